/**
 * What every engine of the benchmark answers, so that the agreement check and the figures ask
 * all four the same questions. The batch loops live in each engine's own module, so that each
 * call site is monomorphic and no engine pays for the others' dispatch.
 */
import type { FieldState } from '../../src/index.js';
import type { ObjectName } from '../model.js';
import type { Request, Row, Triple } from '../workload.js';

export type { FieldState };

/** A decision on one record: may the member read it, and every field's state. */
export interface RecordDecision {
  readonly read: boolean;
  readonly states: Readonly<Record<string, FieldState>>;
}

export type Projection = Record<string, unknown>;

export interface BenchEngine {
  readonly name: string;
  canRead(member: string, object: ObjectName, record: Row): boolean;
  fieldState(member: string, object: ObjectName, record: Row, field: string): FieldState;
  /** Read decision plus the field states for that record (all hidden when denied). */
  decision(member: string, object: ObjectName, record: Row): RecordDecision;
  /** The record as the member may read it (hidden fields absent, masks applied), or null. */
  project(member: string, object: ObjectName, record: Row): Projection | null;
  /** Batch loops for the figures; each returns a checksum. */
  readAll(requests: readonly Request[]): number;
  fieldAll(triples: readonly Triple[]): number;
  decisionAll(requests: readonly Request[]): number;
  /** Filters `records` to those the member may read, projecting each; returns how many. */
  list(member: string, object: ObjectName, records: readonly Row[]): number;
  /** Work done once per (member, object) before a list, if the engine needs any (casbin). */
  prepareList?(member: string, object: ObjectName): void;
}
