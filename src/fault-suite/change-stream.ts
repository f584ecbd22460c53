/**
 * The members' side of the fault suite: a seeded stream of creates, updates (names, and owners,
 * which make Tiergate rewrite the record's viewers), soft deletes, restores and destroys of
 * companies and opportunities, each made by one of several members through the host's core API
 * and recorded as the host answered it. Only what the host carried out is recorded; a refused
 * write is counted and said, never recorded as made.
 */
import { mulberry32, type Random } from '../../bench/prng.js';
import { objectTypeNames, resolverName } from '../host/core-schema/names.js';
import { versionOf, type ChangeAction, type MadeChange } from './checker.js';

export interface StreamMember {
  readonly id: string;
  readonly name: string;
}

/** Sends one core API request as a member; resolves with `data`, rejects on errors. */
export type SendAs = (
  member: StreamMember,
  source: string,
  variables: Readonly<Record<string, unknown>>,
) => Promise<Readonly<Record<string, unknown>>>;

interface Tracked {
  readonly object: string;
  readonly id: string;
  deleted: boolean;
  version: string;
}

const OBJECTS = [
  { name: 'company', plural: 'companies', owner: 'accountOwnerId' },
  { name: 'opportunity', plural: 'opportunities', owner: 'ownerId' },
] as const;
type StreamObject = (typeof OBJECTS)[number];

const SELECTION = 'id createdAt updatedAt deletedAt';
const meta = (o: StreamObject) => ({ nameSingular: o.name, namePlural: o.plural });

function documents(o: StreamObject) {
  const types = objectTypeNames(o.name);
  const resolver = (kind: Parameters<typeof resolverName>[1]) => resolverName(meta(o), kind);
  return {
    created: `mutation FaultCreate($data: ${types.create}!) { ${resolver('createOne')}(data: $data) { ${SELECTION} } }`,
    updated: `mutation FaultUpdate($id: UUID!, $data: ${types.update}!) { ${resolver('updateOne')}(id: $id, data: $data) { ${SELECTION} } }`,
    deleted: `mutation FaultDelete($id: UUID!) { ${resolver('deleteOne')}(id: $id) { ${SELECTION} } }`,
    restored: `mutation FaultRestore($id: UUID!) { ${resolver('restoreOne')}(id: $id) { ${SELECTION} } }`,
    destroyed: `mutation FaultDestroy($id: UUID!) { ${resolver('destroyOne')}(id: $id) { id } }`,
    resolver,
  };
}

const RESOLVER_KIND: Record<ChangeAction, Parameters<typeof resolverName>[1]> = {
  created: 'createOne',
  updated: 'updateOne',
  deleted: 'deleteOne',
  restored: 'restoreOne',
  destroyed: 'destroyOne',
};

export class ChangeStream {
  readonly changes: MadeChange[] = [];
  /** Writes the host refused or that failed, with why. */
  readonly refused: string[] = [];
  private readonly random: Random;
  private readonly records: Tracked[] = [];
  private serial = 0;

  constructor(
    seed: number,
    private readonly members: readonly StreamMember[],
    private readonly send: SendAs,
  ) {
    if (members.length === 0) throw new Error('the change stream needs at least one member');
    this.random = mulberry32(seed);
  }

  /** Makes one change, chosen by the seeded generator. */
  async step(): Promise<void> {
    const member = this.random.pick(this.members);
    const live = this.records.filter((r) => !r.deleted);
    const deleted = this.records.filter((r) => r.deleted);
    const roll = this.random.next();
    if (live.length < 3 || roll < 0.2) return this.create(member);
    if (roll < 0.5) return this.update(member, this.random.pick(live), false);
    if (roll < 0.6) return this.update(member, this.random.pick(live), true);
    if (roll < 0.75) return this.remove(member, this.random.pick(live), 'deleted');
    if (roll < 0.87 && deleted.length > 0)
      return this.remove(member, this.random.pick(deleted), 'restored');
    const pool = deleted.length > 0 && this.random.chance(0.7) ? deleted : live;
    return this.remove(member, this.random.pick(pool), 'destroyed');
  }

  private objectOf(name: string): StreamObject {
    const found = OBJECTS.find((o) => o.name === name);
    if (found === undefined) throw new Error(`the change stream does not write ${name}`);
    return found;
  }

  private async write(
    member: StreamMember,
    object: StreamObject,
    action: ChangeAction,
    variables: Readonly<Record<string, unknown>>,
  ): Promise<Readonly<Record<string, unknown>> | undefined> {
    const docs = documents(object);
    try {
      const data = await this.send(member, docs[action], variables);
      const record = data[docs.resolver(RESOLVER_KIND[action])];
      if (typeof record !== 'object' || record === null)
        throw new Error(`no record in the answer: ${JSON.stringify(data)}`);
      return record as Readonly<Record<string, unknown>>;
    } catch (error) {
      this.refused.push(
        `${action} ${object.name} by ${member.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }

  private record(
    member: StreamMember,
    tracked: Tracked,
    action: ChangeAction,
    fields?: readonly string[],
  ): void {
    this.changes.push({
      object: tracked.object,
      recordId: tracked.id,
      action,
      actor: member.id,
      at: new Date().toISOString(),
      version: tracked.version,
      ...(fields ? { fields } : {}),
    });
  }

  private async create(member: StreamMember): Promise<void> {
    const object = this.random.pick(OBJECTS);
    const name = `fault ${object.name} ${++this.serial}`;
    const data = { name, [object.owner]: member.id };
    const record = await this.write(member, object, 'created', { data });
    const version = versionOf(record);
    if (record === undefined || version === undefined) return;
    const tracked: Tracked = {
      object: object.name,
      id: String(record.id),
      deleted: false,
      version,
    };
    this.records.push(tracked);
    this.record(member, tracked, 'created');
  }

  private async update(member: StreamMember, tracked: Tracked, owner: boolean): Promise<void> {
    const object = this.objectOf(tracked.object);
    const data = owner
      ? { [object.owner]: this.random.pick(this.members).id }
      : { name: `fault ${object.name} ${++this.serial}` };
    const record = await this.write(member, object, 'updated', { id: tracked.id, data });
    const version = versionOf(record);
    if (version === undefined) return;
    tracked.version = version;
    this.record(member, tracked, 'updated', Object.keys(data));
  }

  private async remove(
    member: StreamMember,
    tracked: Tracked,
    action: 'deleted' | 'restored' | 'destroyed',
  ): Promise<void> {
    const object = this.objectOf(tracked.object);
    const record = await this.write(member, object, action, { id: tracked.id });
    if (record === undefined) return;
    if (action === 'destroyed') {
      // The record as it was destroyed: its last version, as the destroy's webhook carries it.
      this.records.splice(this.records.indexOf(tracked), 1);
      this.record(member, tracked, action);
      return;
    }
    const version = versionOf(record);
    if (version === undefined) return;
    tracked.version = version;
    tracked.deleted = action === 'deleted';
    this.record(member, tracked, action);
  }
}
