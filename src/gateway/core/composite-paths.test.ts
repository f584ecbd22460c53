import { describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../../host/core-schema/standard-objects.js';
import { GatewayModel, type GatewayObject } from './model.js';
import { readPaths, writtenPaths } from './composite-paths.js';

const model = new GatewayModel(STANDARD_OBJECTS);
const object = (name: string) => model.objects.get(name) as GatewayObject;

describe('the paths a use of a composite field touches', () => {
  it('reads a named sub-field with its field, and a composite used whole with every sub-field', () => {
    expect(readPaths(object('opportunity'), 'amount.amountMicros')).toEqual([
      'amount',
      'amount.amountMicros',
    ]);
    expect(readPaths(object('opportunity'), 'amount')).toEqual([
      'amount',
      'amount.amountMicros',
      'amount.currencyCode',
    ]);
    expect(readPaths(object('opportunity'), 'stage')).toEqual(['stage']);
  });

  it('writes the sub-fields a value names, and every sub-field for a value that is not an object', () => {
    const opportunity = object('opportunity');
    expect(writtenPaths(opportunity, { name: 'x', amount: { currencyCode: 'EUR' } })).toEqual([
      'name',
      'amount',
      'amount.currencyCode',
    ]);
    expect(writtenPaths(opportunity, { amount: null })).toEqual([
      'amount',
      'amount.amountMicros',
      'amount.currencyCode',
    ]);
    expect(writtenPaths(object('person'), { companyId: null })).toEqual(['companyId']);
  });

  it('names the sub-field an aggregate reads: amountMicros for sums, the whole value for counts', () => {
    const opportunity = object('opportunity');
    expect(opportunity.aggregateField('sumAmountAmountMicros')).toBe('amount.amountMicros');
    expect(opportunity.aggregateField('minAmountAmountMicros')).toBe('amount.amountMicros');
    expect(opportunity.aggregateField('countUniqueValuesAmount')).toBe('amount');
    expect(opportunity.aggregateField('totalCount')).toBeNull();
  });
});
