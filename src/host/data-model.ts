/**
 * Data-model discovery: the workspace's objects and fields as the metadata API lists them
 * (`objects(paging, filter)` with `fieldsList`), mapped to the domain's object metadata, cached
 * for a while and refreshable. Generated types stay in this module; callers get domain types.
 */
import type { FieldMetadata, FieldOption, ObjectMetadata } from './core-schema/object-metadata.js';
import { FIELD_METADATA_TYPES } from './core-schema/object-metadata.js';
import type { HostClient } from './client.js';
import { DataModelDocument, type DataModelQuery } from './generated/metadata.js';
import { HostError } from './host-error.js';
import { allNodes } from './paging.js';
import { systemRuntime, type HostRuntime } from './runtime.js';

/** An object with the host's ids, which permissions and predicates refer to. */
export interface DiscoveredObject extends ObjectMetadata {
  readonly id: string;
  readonly fields: readonly DiscoveredField[];
}

export interface DiscoveredField extends FieldMetadata {
  readonly id: string;
}

export interface DataModelSnapshot {
  readonly objects: readonly DiscoveredObject[];
  /** When it was read, by the runtime's clock. */
  readonly readAt: number;
  object(nameSingular: string): DiscoveredObject | undefined;
}

export interface DataModelOptions {
  /** How long a snapshot is served before it is read again. */
  readonly ttlMs?: number;
  readonly pageSize?: number;
  readonly runtime?: HostRuntime;
}

type ObjectNode = DataModelQuery['objects']['edges'][number]['node'];
type FieldNode = ObjectNode['fieldsList'][number];

const OPERATION = 'DataModel';

function options(value: unknown): FieldOption[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((option: unknown, index): FieldOption[] => {
    if (typeof option !== 'object' || option === null) return [];
    const { value: v, label, position, color } = option as Record<string, unknown>;
    if (typeof v !== 'string') return [];
    return [
      {
        value: v,
        label: typeof label === 'string' ? label : v,
        position: typeof position === 'number' ? position : index,
        ...(typeof color === 'string' ? { color } : {}),
      },
    ];
  });
}

function fieldOf(object: string, node: FieldNode): DiscoveredField {
  if (!(FIELD_METADATA_TYPES as readonly string[]).includes(node.type)) {
    throw new HostError({
      operation: OPERATION,
      message: `${object}.${node.name} has an unknown field type ${node.type}`,
    });
  }
  const relation = node.relation
    ? {
        type: node.relation.type,
        targetObject: node.relation.targetObjectMetadata.nameSingular,
        targetField: node.relation.targetFieldMetadata.name,
        ...(node.relation.type === 'MANY_TO_ONE' ? { joinColumn: `${node.name}Id` } : {}),
      }
    : undefined;
  const fieldOptions = options(node.options);
  return {
    id: node.id,
    name: node.name,
    label: node.label,
    type: node.type,
    isNullable: node.isNullable ?? true,
    isSystem: node.isSystem ?? false,
    // Only its presence matters to the schema: a required field with a default is optional.
    ...(node.defaultValue !== null && node.defaultValue !== undefined
      ? { defaultValue: node.defaultValue }
      : {}),
    ...(fieldOptions ? { options: fieldOptions } : {}),
    ...(relation ? { relation } : {}),
  };
}

function objectOf(node: ObjectNode): DiscoveredObject {
  return {
    id: node.id,
    nameSingular: node.nameSingular,
    namePlural: node.namePlural,
    labelSingular: node.labelSingular,
    labelPlural: node.labelPlural,
    isSystem: node.isSystem,
    // Inactive fields are not in the host's API; listing them would invite queries it rejects.
    fields: node.fieldsList
      .filter((f) => f.isActive !== false)
      .map((f) => fieldOf(node.nameSingular, f)),
  };
}

export class DataModel {
  private snapshot: DataModelSnapshot | undefined;
  private inFlight: Promise<DataModelSnapshot> | undefined;
  private readonly ttlMs: number;
  private readonly pageSize: number;
  private readonly runtime: HostRuntime;

  constructor(
    private readonly metadata: HostClient,
    options: DataModelOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.pageSize = options.pageSize ?? 1000;
    this.runtime = options.runtime ?? systemRuntime;
  }

  /** The cached snapshot, read anew when older than the TTL. Concurrent callers share one read. */
  get(): Promise<DataModelSnapshot> {
    const fresh = this.snapshot && this.runtime.now() - this.snapshot.readAt < this.ttlMs;
    return fresh && this.snapshot ? Promise.resolve(this.snapshot) : this.refresh();
  }

  /** Reads the data model now (after a field was created, say). */
  refresh(): Promise<DataModelSnapshot> {
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async read(): Promise<DataModelSnapshot> {
    const objects: DiscoveredObject[] = [];
    const pages = allNodes(OPERATION, async (after) => {
      const data = await this.metadata.request(DataModelDocument, {
        first: this.pageSize,
        after: after ?? null,
      });
      return {
        edges: data.objects.edges,
        pageInfo: {
          hasNextPage: data.objects.pageInfo.hasNextPage ?? false,
          endCursor: data.objects.pageInfo.endCursor,
        },
      };
    });
    for await (const node of pages) if (node.isActive) objects.push(objectOf(node));
    const byName = new Map(objects.map((o) => [o.nameSingular, o]));
    this.snapshot = { objects, readAt: this.runtime.now(), object: (name) => byName.get(name) };
    return this.snapshot;
  }
}
