/**
 * `manifest.json`: what Tiergate adds to or needs from a workspace (HOST-CONTRACT §E), parsed
 * and cross-checked. Shapes follow Twenty's `defineApplication`, `defineObject` and `defineField`;
 * where Tiergate installs through the metadata API instead, fields name their object by
 * `nameSingular`, flags carry a `why`, and `{{addonUrl}}` stands for `TIERGATE_ADDON_URL`.
 * Code asks for what it relies on through `manifestObject`, `manifestField` or `requiresFlag`,
 * which throw when the manifest does not declare it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FIELD_METADATA_TYPES } from '../host/core-schema/object-metadata.js';
import { TWENTY_PERMISSION_FLAGS, type PermissionFlag } from '../host/permission-flags.js';
import { repositoryRoot } from '../host/schema-gen/paths.js';
import { RECORD_ACTIONS } from '../host/webhook/record-actions.js';

export { TWENTY_PERMISSION_FLAGS, type PermissionFlag };

/** Record-event actions of Twenty's webhooks (`<nameSingular>.<action>`, `*` for any). */
export const WEBHOOK_ACTIONS = RECORD_ACTIONS;

export const ADDON_URL_PLACEHOLDER = '{{addonUrl}}';
export const ADDON_URL_VARIABLE = 'TIERGATE_ADDON_URL';
export const MANIFEST_FILE = 'manifest.json';

/** Variables whose names say they hold a credential must be marked secret. */
const CREDENTIAL_NAME = /(SECRET|KEY|TOKEN|PASSWORD)$/;

const uuid = z.uuidv4({ error: 'must be a UUID v4' });
const text = z.string().trim().min(1, 'must not be empty');
const camelName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'must be a camelCase name');
const variableName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE_CASE name');
const icon = z.string().regex(/^Icon[A-Z][A-Za-z0-9]*$/, 'must be a Tabler icon name (IconLock)');
const addonUrl = z.string().refine((url) => url.startsWith(`${ADDON_URL_PLACEHOLDER}/`), {
  error: `must start with ${ADDON_URL_PLACEHOLDER}/ (the add-on's URL)`,
});

const fieldShape = {
  universalIdentifier: uuid,
  name: camelName,
  label: text,
  type: z.enum(FIELD_METADATA_TYPES, {
    error: (issue) =>
      `unknown field type ${JSON.stringify(issue.input)}; Twenty's types are ${FIELD_METADATA_TYPES.join(', ')}`,
  }),
  description: text,
  isNullable: z.boolean(),
  /** false: read-only in Twenty's UI (Tiergate writes it). Absent: Twenty's default (editable). */
  isUIEditable: z.boolean().optional(),
};

const fieldSchema = z.strictObject(fieldShape);
/** A field Tiergate adds to an object it does not own (a standard object), named by nameSingular. */
const helperFieldSchema = z.strictObject({ ...fieldShape, object: camelName });

const objectSchema = z.strictObject({
  universalIdentifier: uuid,
  nameSingular: camelName,
  namePlural: camelName,
  labelSingular: text,
  labelPlural: text,
  description: text,
  icon,
  fields: z.array(fieldSchema).min(1, 'an object needs at least one field'),
});

const variableSchema = z.strictObject({
  universalIdentifier: uuid,
  label: text,
  description: text,
  /** Twenty types it as a plain String; Tiergate only uses TEXT (the list is UNVERIFIED). */
  type: z.string().regex(/^[A-Z][A-Z_]*$/, 'must be an upper-case type name such as TEXT'),
  isSecret: z.boolean(),
  isRequired: z.boolean(),
});

const flagSchema = z.strictObject({
  flag: z.enum(TWENTY_PERMISSION_FLAGS, {
    error: (issue) =>
      `unknown permission flag ${JSON.stringify(issue.input)}; Twenty's flags are ${TWENTY_PERMISSION_FLAGS.join(', ')}`,
  }),
  why: text,
});

const operation = z
  .string()
  .regex(
    new RegExp(`^(\\*|[a-z][a-zA-Z0-9]*)\\.(\\*|${WEBHOOK_ACTIONS.join('|')})$`),
    `must be <object>.<action> with the action one of ${WEBHOOK_ACTIONS.join(', ')} or *`,
  );

const manifestShape = z.strictObject({
  $comment: z.string().optional(),
  application: z.strictObject({
    universalIdentifier: uuid,
    displayName: text,
    version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a semantic version'),
    description: text,
    author: text,
    applicationVariables: z.record(variableName, variableSchema),
  }),
  applicationRole: z.strictObject({
    universalIdentifier: uuid,
    label: text,
    description: text,
    canReadAllObjectRecords: z.boolean(),
    canUpdateAllObjectRecords: z.boolean(),
    canSoftDeleteAllObjectRecords: z.boolean(),
    canDestroyAllObjectRecords: z.boolean(),
    permissionFlags: z.array(flagSchema),
  }),
  objects: z.array(objectSchema),
  fields: z.array(helperFieldSchema),
  settingsMenuItems: z.array(
    z.strictObject({
      universalIdentifier: uuid,
      title: text,
      icon,
      scope: z.enum(['WORKSPACE', 'USER']),
      url: addonUrl,
    }),
  ),
  webhook: z.strictObject({
    universalIdentifier: uuid,
    description: text,
    targetUrl: addonUrl,
    /**
     * What to subscribe to: `*` stands for each object the policy governs once one is known
     * (src/sync/install.ts), never Tiergate's own objects.
     */
    operations: z.array(operation).min(1, 'the webhook needs at least one operation'),
    /** The application variable holding the signing secret. */
    secretVariable: variableName,
  }),
});

type Path = readonly (string | number)[];
type RawManifest = z.infer<typeof manifestShape>;

type Keyed = [Path, string];

/** Every universalIdentifier in the manifest with where it is, in document order. */
function identifiers(value: unknown, path: Path = []): Keyed[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]): Keyed[] => {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    return key === 'universalIdentifier' && typeof v === 'string' ? [[at, v]] : identifiers(v, at);
  });
}

function crossCheck(m: RawManifest, ctx: z.RefinementCtx): void {
  const problem = (path: Path, message: string): void => {
    ctx.addIssue({ code: 'custom', path: [...path], message });
  };
  /** Reports each repeat of a key after its first occurrence. */
  const unique = (what: string, entries: readonly Keyed[]): void => {
    const first = new Map<string, Path>();
    for (const [path, key] of entries) {
      const seen = first.get(key);
      if (seen === undefined) first.set(key, path);
      else problem(path, `${what} ${key} is already used at ${formatPath(seen)}`);
    }
  };
  unique('universalIdentifier', identifiers(m));
  unique(
    'object name',
    m.objects.flatMap((o, i): Keyed[] => [
      [['objects', i, 'nameSingular'], o.nameSingular],
      [['objects', i, 'namePlural'], o.namePlural],
    ]),
  );
  // A field is declared once, on Tiergate's own object or as a helper field (not both).
  unique('field', [
    ...m.objects.flatMap((o, i) =>
      o.fields.map((f, j): Keyed => [
        ['objects', i, 'fields', j, 'name'],
        `${o.nameSingular}.${f.name}`,
      ]),
    ),
    ...m.fields.map((f, i): Keyed => [['fields', i, 'name'], `${f.object}.${f.name}`]),
  ]);
  const flags = m.applicationRole.permissionFlags;
  unique(
    'permission flag',
    flags.map((f, i): Keyed => [['applicationRole', 'permissionFlags', i, 'flag'], f.flag]),
  );
  unique(
    'webhook operation',
    m.webhook.operations.map((op, i): Keyed => [['webhook', 'operations', i], op]),
  );

  const variables = m.application.applicationVariables;
  for (const [name, v] of Object.entries(variables)) {
    const credential = CREDENTIAL_NAME.exec(name)?.[1];
    if (credential !== undefined && !v.isSecret) {
      problem(
        ['application', 'applicationVariables', name, 'isSecret'],
        `${name} holds a credential (its name ends in ${credential}) and must be marked "isSecret": true`,
      );
    }
  }
  const url = variables[ADDON_URL_VARIABLE];
  if (url === undefined || !url.isRequired || url.isSecret) {
    problem(
      ['application', 'applicationVariables'],
      `${ADDON_URL_VARIABLE} (what ${ADDON_URL_PLACEHOLDER} stands for) must be declared, required and not secret`,
    );
  }
  if (variables[m.webhook.secretVariable]?.isSecret !== true) {
    problem(
      ['webhook', 'secretVariable'],
      `${m.webhook.secretVariable} must be a declared application variable marked secret`,
    );
  }
}

export const manifestSchema = manifestShape.superRefine(crossCheck);
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestObject = Manifest['objects'][number];
/** A declared field with the nameSingular of its object. */
export type ManifestField = z.infer<typeof helperFieldSchema>;
export type ManifestFlag = Manifest['applicationRole']['permissionFlags'][number];

/** `applicationRole.permissionFlags[0].flag` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** A manifest that cannot be read or does not hold: names the file and every problem. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: invalid Tiergate manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates an already parsed JSON value; `source` names it in errors. */
export function parseManifest(value: unknown, source: string): Manifest {
  const result = manifestSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ManifestError(
    source,
    result.error.issues.map(
      (issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`,
    ),
  );
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Reads and validates the manifest (by default the repository's `manifest.json`). */
export function loadManifest(path: string = join(repositoryRoot(), MANIFEST_FILE)): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(path, [`cannot be read: ${messageOf(error)}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(path, [`is not valid JSON: ${messageOf(error)}`]);
  }
  return parseManifest(value, path);
}

let committed: Manifest | undefined;

/** The repository's manifest, read once per process. */
export function tiergateManifest(): Manifest {
  committed ??= loadManifest();
  return committed;
}

/**
 * The objects Tiergate defines (its audit object): what it writes there is its own journal, never
 * a record change to journal again.
 */
export function ownObjectNames(manifest: Manifest = tiergateManifest()): ReadonlySet<string> {
  return new Set(manifest.objects.map((o) => o.nameSingular));
}

/** One of Tiergate's own objects; throws when the manifest does not declare it. */
export function manifestObject(
  name: string,
  manifest: Manifest = tiergateManifest(),
): ManifestObject {
  const found = manifest.objects.find((o) => o.nameSingular === name);
  if (found !== undefined) return found;
  const declared = manifest.objects.map((o) => o.nameSingular).join(', ');
  throw new Error(
    `Tiergate relies on object ${name}, which manifest.json does not declare (it declares ${declared})`,
  );
}

/** A field Tiergate declares, on its own object or a standard one; throws when undeclared. */
export function manifestField(
  object: string,
  field: string,
  manifest: Manifest = tiergateManifest(),
): ManifestField {
  const own = manifest.objects
    .find((o) => o.nameSingular === object)
    ?.fields.find((f) => f.name === field);
  if (own !== undefined) return { ...own, object };
  const helper = manifest.fields.find((f) => f.object === object && f.name === field);
  if (helper !== undefined) return helper;
  throw new Error(
    `Tiergate relies on field ${object}.${field}, which manifest.json does not declare`,
  );
}

/** The application role's grant of a permission flag; throws when the role does not hold it. */
export function requiresFlag(
  flag: PermissionFlag,
  manifest: Manifest = tiergateManifest(),
): ManifestFlag {
  const found = manifest.applicationRole.permissionFlags.find((f) => f.flag === flag);
  if (found !== undefined) return found;
  const held = manifest.applicationRole.permissionFlags.map((f) => f.flag).join(', ');
  throw new Error(
    `Tiergate relies on the ${flag} permission flag, which its application role in manifest.json does not hold (it holds ${held})`,
  );
}

/** A manifest URL with `{{addonUrl}}` replaced by the add-on's base URL (trailing `/` dropped). */
export function resolveAddonUrl(url: string, addonUrl: string): string {
  return url.replace(ADDON_URL_PLACEHOLDER, addonUrl.replace(/\/+$/, ''));
}
