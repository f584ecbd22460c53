import type { TypeRef } from './type-ref.js';

/** The merged schema, ready to print: one entry per named type the package defines. */
export type SchemaType =
  | { readonly kind: 'scalar'; readonly name: string; readonly description: string | undefined }
  | {
      readonly kind: 'enum';
      readonly name: string;
      readonly description: string | undefined;
      readonly values: readonly string[];
    }
  | {
      readonly kind: 'union';
      readonly name: string;
      readonly description: string | undefined;
      readonly members: readonly string[];
    }
  | {
      readonly kind: 'object';
      readonly name: string;
      readonly description: string | undefined;
      readonly fields: readonly SchemaField[];
    }
  | {
      readonly kind: 'input';
      readonly name: string;
      readonly description: string | undefined;
      readonly fields: readonly SchemaValue[];
    };

export interface SchemaField {
  readonly name: string;
  readonly type: TypeRef;
  readonly args: readonly SchemaValue[];
  readonly description: string | undefined;
  readonly deprecationReason: string | undefined;
}

/** An argument or input field. */
export interface SchemaValue {
  readonly name: string;
  readonly type: TypeRef;
  readonly description: string | undefined;
}

/** Problems found while merging: warnings are reasoned guesses, errors stop the write. */
export class Diagnostics {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  warn(message: string): void {
    this.warnings.push(message);
  }

  fail(message: string): void {
    this.errors.push(message);
  }
}

/** GraphQL's own scalars: listed by genql but never declared in SDL. */
export const BUILT_IN_SCALARS: ReadonlySet<string> = new Set([
  'String',
  'Int',
  'Float',
  'Boolean',
  'ID',
]);
