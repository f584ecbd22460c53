import { describe, expect, it } from 'vitest';
import { GatewayModel } from '../core/model.js';
import { restRouteOf } from './routes.js';
import { STANDARD_OBJECTS } from '../../host/core-schema/standard-objects.js';

const model = new GatewayModel(STANDARD_OBJECTS);
const ID = '0a4b2c6d-8e1f-4a3b-9c5d-7e6f8a9b0c1d';

function kind(method: string, path: string): string | undefined {
  const route = restRouteOf(model, method, path);
  if (route === undefined) return undefined;
  return 'badId' in route ? `badId:${route.badId}` : route.kind;
}

describe('REST routes the gateway enforces', () => {
  it.each([
    ['GET', '/rest/people', 'list'],
    ['GET', `/rest/people/${ID}`, 'one'],
    ['POST', '/rest/people', 'create'],
    ['POST', '/rest/batch/people', 'createMany'],
    ['PATCH', `/rest/people/${ID}`, 'update'],
    ['PUT', `/rest/people/${ID}`, 'update'],
    ['DELETE', `/rest/people/${ID}`, 'delete'],
    ['PATCH', '/rest/people', 'updateMany'],
    ['DELETE', '/rest/people', 'deleteMany'],
    ['POST', '/rest/people/duplicates', 'duplicates'],
    ['GET', '/rest/people/groupBy', 'groupBy'],
    ['PATCH', `/rest/people/${ID}/restore`, 'restoreOne'],
    ['PATCH', '/rest/people/restore', 'restoreMany'],
    ['PATCH', '/rest/people/merge', 'merge'],
  ])('reads %s %s as %s', (method, path, expected) => {
    expect(kind(method, path)).toBe(expected);
  });

  it.each([
    // Twenty lists people here; the gateway would have read a record id.
    ['GET', '/rest/people/duplicates'],
    ['GET', '/rest/people/merge'],
    ['GET', '/rest/people/restore'],
    // Twenty destroys many here (the path names no record); refused, not read as an id.
    ['DELETE', '/rest/people/duplicates'],
    ['DELETE', '/rest/people/groupBy'],
    ['DELETE', '/rest/people/merge'],
    // Twenty updates many here.
    ['PATCH', '/rest/people/duplicates'],
    ['PATCH', '/rest/people/groupBy'],
    ['PUT', '/rest/people/merge'],
    ['PUT', '/rest/people/restore'],
    // Twenty creates one here, ignoring the id.
    ['POST', `/rest/people/${ID}`],
    ['POST', '/rest/people/groupBy'],
    ['POST', '/rest/people/merge'],
    // Too long, or a route word in the wrong place.
    ['POST', '/rest/people/duplicates/x'],
    ['GET', '/rest/people/groupBy/x'],
    ['PATCH', `/rest/people/${ID}/merge`],
    ['DELETE', `/rest/people/${ID}/restore`],
    ['GET', `/rest/people/${ID}/restore`],
    ['POST', '/rest/batch/people/x'],
    ['GET', '/rest/batch/people'],
    ['POST', '/rest/duplicates'],
    ['GET', '/rest'],
    ['GET', '/rest/'],
    ['GET', '/rest/people/'],
    ['GET', '/rest/unknownObjects'],
    ['OPTIONS', '/rest/people'],
  ])('refuses %s %s', (method, path) => {
    expect(kind(method, path)).toBeUndefined();
  });

  it('reports an id that is not a UUID of versions 1 to 5, as Twenty refuses it', () => {
    expect(kind('GET', '/rest/people/x')).toBe('badId:x');
    expect(kind('PATCH', '/rest/people/x/restore')).toBe('badId:x');
    // A version 7 UUID is no valid id to twenty-shared's isValidUuid.
    expect(kind('GET', '/rest/people/01890a5d-ac96-774b-bcce-b302099a8057')).toBe(
      'badId:01890a5d-ac96-774b-bcce-b302099a8057',
    );
  });
});
