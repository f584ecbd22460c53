import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FIELD_METADATA_TYPES } from '../host/core-schema/object-metadata.js';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import {
  TWENTY_PERMISSION_FLAGS,
  loadManifest,
  manifestField,
  manifestObject,
  parseManifest,
  requiresFlag,
  resolveAddonUrl,
  tiergateManifest,
} from './manifest.js';
import { HELPER_FIELD } from './names.js';

const MANIFEST_TEXT = readFileSync('manifest.json', 'utf8');
const SDL = parse(readFileSync('graphql/schema/metadata.graphql', 'utf8'));

function sdlEnum(name: string): string[] {
  for (const definition of SDL.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === name) {
      return (definition.values ?? []).map((v) => v.name.value);
    }
  }
  throw new Error(`enum ${name} is not in the metadata SDL`);
}

/** Every `universalIdentifier` anywhere in a JSON value. */
function universalIdentifiers(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(universalIdentifiers);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    key === 'universalIdentifier' ? [v] : universalIdentifiers(v),
  );
}

/** The committed manifest with one textual change, parsed as `broken.json`. */
function parseEdited(from: string, to: string): () => void {
  expect(MANIFEST_TEXT).toContain(from);
  const edited = MANIFEST_TEXT.replace(from, to);
  return () => parseManifest(JSON.parse(edited), 'broken.json');
}

describe('the committed manifest.json', () => {
  const manifest = tiergateManifest();

  it('parses as a Tiergate app named Tiergate by Tiergate', () => {
    expect(loadManifest()).toEqual(manifest);
    expect(manifest.application.displayName).toBe('Tiergate');
    expect(manifest.application.author).toBe('Tiergate');
  });

  it('gives every entity a universalIdentifier that is a UUID v4 used nowhere else', () => {
    const ids = universalIdentifiers(JSON.parse(MANIFEST_TEXT));
    expect(ids.length).toBeGreaterThanOrEqual(26);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has the version of package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(manifest.application.version).toBe(pkg.version);
  });

  it("knows exactly Twenty's permission flags, and every flag it asks for is one of them", () => {
    const sdlFlags = sdlEnum('PermissionFlagType');
    expect([...TWENTY_PERMISSION_FLAGS].sort()).toEqual([...sdlFlags].sort());
    expect(sdlFlags).toHaveLength(26);
    for (const { flag } of manifest.applicationRole.permissionFlags)
      expect(sdlFlags).toContain(flag);
  });

  it("knows exactly Twenty's field types, and every field it declares has one of them", () => {
    const sdlTypes = sdlEnum('FieldMetadataType');
    expect([...FIELD_METADATA_TYPES].sort()).toEqual([...sdlTypes].sort());
    const fields = [...manifest.objects.flatMap((o) => o.fields), ...manifest.fields];
    for (const field of fields) expect(sdlTypes).toContain(field.type);
  });

  it('grants its role the four flags, each with a reason, and no record deletion', () => {
    const role = manifest.applicationRole;
    expect(role.label).toBe('Tiergate');
    expect(role.permissionFlags.map((f) => f.flag).sort()).toEqual(
      ['API_KEYS_AND_WEBHOOKS', 'DATA_MODEL', 'ROLES', 'WORKSPACE_MEMBERS'].sort(),
    );
    for (const flag of role.permissionFlags) expect(flag.why.length).toBeGreaterThan(20);
    expect(role.canReadAllObjectRecords).toBe(true);
    expect(role.canUpdateAllObjectRecords).toBe(true);
    expect(role.canSoftDeleteAllObjectRecords).toBe(false);
    expect(role.canDestroyAllObjectRecords).toBe(false);
  });

  it('declares the audit object with its ten fields and their types', () => {
    const audit = manifestObject('tiergateAuditEntry');
    expect([audit.labelSingular, audit.labelPlural]).toEqual([
      'Tiergate audit entry',
      'Tiergate audit entries',
    ]);
    expect(Object.fromEntries(audit.fields.map((f) => [f.name, f.type]))).toEqual({
      sequence: 'NUMBER',
      occurredAt: 'DATE_TIME',
      actor: 'TEXT',
      action: 'TEXT',
      subject: 'TEXT',
      reason: 'TEXT',
      before: 'RAW_JSON',
      after: 'RAW_JSON',
      hash: 'TEXT',
      previousHash: 'TEXT',
    });
  });

  it('declares tiergateViewers (ARRAY, read-only) on every object the compile may predicate on', () => {
    const predicable = STANDARD_OBJECTS.filter((o) => o.isSystem !== true).map(
      (o) => o.nameSingular,
    );
    expect(predicable.sort()).toEqual(['company', 'opportunity', 'person', 'task']);
    for (const object of predicable) {
      const helper = manifestField(object, HELPER_FIELD);
      expect(helper.type).toBe('ARRAY');
      expect(helper.isUIEditable).toBe(false);
    }
  });

  it('declares the workspaceMember fields org.source: host reads', () => {
    const types = ['tiergateRole', 'tiergateTier', 'tiergateTeams', 'tiergateManager'].map(
      (name) => manifestField('workspaceMember', name).type,
    );
    expect(types).toEqual(['TEXT', 'TEXT', 'ARRAY', 'TEXT']);
  });

  it('opens the permissions panel from the settings at the add-on URL', () => {
    expect(manifest.settingsMenuItems).toHaveLength(1);
    const item = manifest.settingsMenuItems[0];
    expect(item?.title).toBe('Permissions (Tiergate)');
    expect(resolveAddonUrl(item?.url ?? '', 'https://tg.example.com/')).toBe(
      'https://tg.example.com/panel',
    );
  });

  it('subscribes its webhook to every record event, signed with the webhook secret', () => {
    expect(manifest.webhook.operations).toEqual([
      '*.created',
      '*.updated',
      '*.deleted',
      '*.destroyed',
      '*.restored',
    ]);
    expect(manifest.webhook.secretVariable).toBe('TIERGATE_WEBHOOK_SECRET');
  });

  it('marks its credentials secret and requires the add-on URL', () => {
    const variables = manifest.application.applicationVariables;
    expect(Object.keys(variables).sort()).toEqual([
      'TIERGATE_ADDON_URL',
      'TIERGATE_API_KEY',
      'TIERGATE_WEBHOOK_SECRET',
    ]);
    expect(variables.TIERGATE_ADDON_URL).toMatchObject({ isRequired: true, isSecret: false });
    expect(variables.TIERGATE_WEBHOOK_SECRET?.isSecret).toBe(true);
    expect(variables.TIERGATE_API_KEY?.isSecret).toBe(true);
  });
});

describe('the manifest accessors', () => {
  it('return what the manifest declares', () => {
    expect(manifestObject('tiergateAuditEntry').namePlural).toBe('tiergateAuditEntries');
    expect(manifestField('tiergateAuditEntry', 'hash')).toMatchObject({
      object: 'tiergateAuditEntry',
      type: 'TEXT',
    });
    expect(requiresFlag('ROLES').why).toMatch(/role/i);
  });

  it('throw for an object, field or flag the manifest does not declare', () => {
    expect(() => manifestObject('tiergateGrant')).toThrow(
      'Tiergate relies on object tiergateGrant, which manifest.json does not declare',
    );
    expect(() => manifestObject('company')).toThrow(/does not declare/);
    expect(() => manifestField('company', 'tiergateOwner')).toThrow(
      'Tiergate relies on field company.tiergateOwner, which manifest.json does not declare',
    );
    expect(() => manifestField('note', HELPER_FIELD)).toThrow(/note\.tiergateViewers/);
    expect(() => requiresFlag('SECURITY')).toThrow(
      'Tiergate relies on the SECURITY permission flag, which its application role in manifest.json does not hold',
    );
  });
});

describe('a broken manifest', () => {
  it('is rejected when two entities share a universalIdentifier', () => {
    const webhookId = '7fde4bf0-b041-473e-aedc-da1c906a2a33';
    expect(parseEdited(webhookId, '16e91b1e-72c2-4e16-9071-02b32585971f')).toThrow(
      'webhook.universalIdentifier: universalIdentifier 16e91b1e-72c2-4e16-9071-02b32585971f is already used at application.universalIdentifier',
    );
  });

  it('is rejected when it asks for a flag Twenty does not have', () => {
    expect(parseEdited('"flag": "ROLES"', '"flag": "SUPERUSER"')).toThrow(
      /applicationRole\.permissionFlags\[0\]\.flag: unknown permission flag "SUPERUSER"/,
    );
  });

  it('is rejected when TIERGATE_API_KEY is not marked secret', () => {
    const from = `"Twenty API key holding the Tiergate role, used by the add-on for the metadata and core APIs.",
        "type": "TEXT",
        "isSecret": true`;
    expect(parseEdited(from, from.replace('true', 'false'))).toThrow(
      'application.applicationVariables.TIERGATE_API_KEY.isSecret: TIERGATE_API_KEY holds a credential (its name ends in KEY) and must be marked "isSecret": true',
    );
  });

  it('is rejected with the file named, for unknown field types, unknown keys and bad URLs', () => {
    expect(parseEdited('"type": "RAW_JSON"', '"type": "JSONB"')).toThrow(
      /broken\.json: invalid Tiergate manifest:\n.*objects\[0\]\.fields\[6\]\.type: unknown field type "JSONB"/,
    );
    expect(parseEdited('"isNullable": true,', '"isNullable": true, "isHidden": true,')).toThrow(
      /Unrecognized key.*isHidden/,
    );
    expect(parseEdited('"{{addonUrl}}/panel"', '"https://evil.example/panel"')).toThrow(
      /settingsMenuItems\[0\]\.url: must start with \{\{addonUrl\}\}\//,
    );
    expect(parseEdited('"*.restored"', '"*.renamed"')).toThrow(/webhook\.operations\[4\]/);
  });

  it('names the file when it cannot be read or is not JSON', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiergate-manifest-'));
    const missing = join(folder, 'missing.json');
    expect(() => loadManifest(missing)).toThrow(`${missing}: invalid Tiergate manifest`);
    const notJson = join(folder, 'manifest.json');
    writeFileSync(notJson, '{ "application": ');
    expect(() => loadManifest(notJson)).toThrow(
      /manifest\.json: invalid Tiergate manifest:\n.*is not valid JSON/,
    );
  });
});
