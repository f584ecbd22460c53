/**
 * What every engine of the benchmark answers, so that the agreement check and the figures ask
 * all four the same questions. Each engine binds one judge per member when it is built (as a
 * server binds one per request); the batch loops live in each engine's own module, so that
 * each call site is monomorphic and no engine pays for the others' dispatch.
 */
import type { FieldState } from '../../src/index.js';
import type { ObjectName } from '../model.js';
import type { BenchAction } from '../rules.js';
import type { Request, Row } from '../workload.js';

export type { FieldState };

export type Projection = Record<string, unknown>;
export type States = Readonly<Record<string, FieldState>>;

/** One member's questions, as Tiergate's `engine.for(member)` answers them. */
export interface BenchJudge {
  can(action: BenchAction, object: ObjectName, record: Row): boolean;
  /** Every field's state for the action on the record (all hidden when it is denied). */
  fields(action: BenchAction, object: ObjectName, record: Row): States;
  fieldState(action: BenchAction, object: ObjectName, record: Row, field: string): FieldState;
  /** `edit` fields for update/create, visible ones otherwise; empty when denied. */
  permittedFields(action: BenchAction, object: ObjectName, record: Row): readonly string[];
  /** The record as the member may read it (hidden fields absent, masks applied), or null. */
  project(object: ObjectName, record: Row): Projection | null;
}

export interface BenchEngine {
  readonly name: string;
  /** The judge of the member at index `m` of the workload's members. */
  judge(m: number): BenchJudge;
  /** Batch loops for the figures; each returns a checksum. */
  canAll(requests: readonly Request[]): number;
  permittedAll(requests: readonly Request[]): number;
  /** Filters `records` to those member `m` may read, projecting each; returns how many. */
  list(m: number, object: ObjectName, records: readonly Row[]): number;
  /** Work done once per member and object before a list, if the engine needs any (casbin). */
  prepareList?(m: number, object: ObjectName): void;
}
