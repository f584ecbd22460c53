/**
 * The installation record, `.tiergate/installation.json` (mode 0600): where Tiergate was
 * installed, what install created there (by host id, so uninstall removes exactly that), the
 * webhook with its secret sealed (src/sync/secret-box.ts), and the RLS entitlement found.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const INSTALLATION_FILE = join('.tiergate', 'installation.json');

const createdItem = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('object'), name: z.string(), id: z.string() }),
  z.strictObject({
    kind: z.literal('field'),
    object: z.string(),
    name: z.string(),
    id: z.string(),
    /** On one of Tiergate's own objects (kept with the audit data unless purged). */
    own: z.boolean(),
  }),
  /** Tiergate's own role (manifest.json applicationRole) and the add-on's API key holding it. */
  z.strictObject({ kind: z.literal('role'), name: z.string(), id: z.string() }),
  z.strictObject({ kind: z.literal('apiKey'), name: z.string(), id: z.string() }),
]);

/** Something install created on the host. */
export type CreatedItem = z.infer<typeof createdItem>;

export const installationSchema = z.strictObject({
  hostUrl: z.string(),
  addonUrl: z.string(),
  installedAt: z.string(),
  created: z.array(createdItem),
  webhookId: z.string().nullable(),
  sealedWebhookSecret: z.string().nullable(),
  rlsEntitled: z.boolean(),
  /** The add-on's API key (holding Tiergate's role) and its token, sealed; null before 0.2. */
  apiKeyId: z.string().nullable().default(null),
  sealedApiKey: z.string().nullable().default(null),
  /** The workspace it was made in (one host may serve several); null before 0.3. */
  workspace: z.strictObject({ id: z.string(), name: z.string() }).nullable().default(null),
  /** How fast Tiergate may send requests to this host (`--rate`); absent: the default pace. */
  rateLimit: z
    .strictObject({ requests: z.number().int().min(1), windowMs: z.number().positive() })
    .optional(),
});

export type Installation = z.infer<typeof installationSchema>;

/** `object tiergateAuditEntry`, `field company.tiergateViewers`, `role Tiergate`. */
export function describeItem(item: CreatedItem): string {
  switch (item.kind) {
    case 'object':
      return `object ${item.name}`;
    case 'field':
      return `field ${item.object}.${item.name}`;
    case 'role':
      return `role ${item.name}`;
    case 'apiKey':
      return `API key ${item.name}`;
  }
}

/** The record under `cwd`, or undefined when there is none; throws when it is unreadable. */
export async function readInstallation(cwd: string): Promise<Installation | undefined> {
  const file = join(cwd, INSTALLATION_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = installationSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not an installation record`);
  return parsed.data;
}

export async function writeInstallation(cwd: string, record: Installation): Promise<void> {
  await mkdir(join(cwd, '.tiergate'), { recursive: true });
  const file = join(cwd, INSTALLATION_FILE);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // mode only applies to a new file
}

export async function removeInstallation(cwd: string): Promise<void> {
  await rm(join(cwd, INSTALLATION_FILE), { force: true });
}
