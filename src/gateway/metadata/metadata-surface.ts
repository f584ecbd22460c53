/**
 * The metadata API passes through the gateway for the schema, views, roles and settings it
 * describes; but some of its root fields answer with what records hold (counts, chart
 * aggregates, AI chats whose agent read records with the member's Twenty role, record sharing),
 * past the policy. Those are refused by root field name, whatever their alias and however deep
 * in fragments they sit. The names are 2.43's (graphql/schema/metadata.graphql); each entry
 * cites its resolver in twentyhq/twenty, under `packages/twenty-server/src/`.
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { metadataSchema } from '../../host/metadata-schema.js';
import { Denial } from '../core/denial.js';
import { judgeMetadataDocument, refuseVerdict } from './metadata-closed.js';
import { recordValueTypes } from './metadata-record-types.js';

const CHAT = 'engine/metadata-modules/ai/ai-chat/resolvers/agent-chat.resolver.ts';
const OBJECT = 'engine/metadata-modules/object-metadata/object-metadata.resolver.ts';
const CHART = 'modules/dashboard/chart-data/resolvers';
const MONITOR = 'engine/metadata-modules/ai/ai-agent-monitor/resolvers/agent-turn.resolver.ts';

/** Root field → what its answer carries, and where Twenty resolves it. */
export const RECORD_DERIVED_METADATA_FIELDS: ReadonlyMap<string, string> = new Map([
  ['objectRecordCounts', `the number of records of each object (${OBJECT})`],
  [
    'mostlyEmptyFieldMetadataIds',
    `which fields the records leave mostly empty (${OBJECT}, MostlyEmptyFieldsService)`,
  ],
  ['pieChartData', `aggregates of records for a chart (${CHART}/pie-chart-data.resolver.ts)`],
  ['lineChartData', `aggregates of records for a chart (${CHART}/line-chart-data.resolver.ts)`],
  ['barChartData', `aggregates of records for a chart (${CHART}/bar-chart-data.resolver.ts)`],
  ['chatThreads', `AI chats, whose agent reads records with the Twenty role (${CHAT})`],
  ['chatThread', `an AI chat (${CHAT})`],
  ['chatMessages', `an AI chat's messages, record values quoted (${CHAT})`],
  ['chatStreamCatchupChunks', `an AI answer being streamed (${CHAT})`],
  ['chatThreadsForRecord', `the AI chats about one record (${CHAT})`],
  ['createChatThread', `a new AI chat (${CHAT})`],
  ['sendChatMessage', `an AI agent's turn over the records (${CHAT})`],
  ['retryChatMessage', `an AI agent's turn over the records (${CHAT})`],
  ['answerAgentChatQuestion', `an AI agent's turn over the records (${CHAT})`],
  ['attachChatThreadToRecord', `a chat tied to a record by id (${CHAT})`],
  [
    'startWorkspaceSetupChat',
    'an AI chat (engine/metadata-modules/ai/ai-chat/resolvers/workspace-setup-chat.resolver.ts)',
  ],
  [
    'runAgent',
    "an AI agent's run over the records (engine/metadata-modules/ai/ai-agent-execution/resolvers/agent-run.resolver.ts)",
  ],
  ['agentTurns', `AI agent turns, their outputs included (${MONITOR})`],
  ['evaluateAgentTurn', `an AI agent turn's evaluation (${MONITOR})`],
  ['runEvaluationInput', `an AI agent's run over the records (${MONITOR})`],
  [
    'executeOneLogicFunction',
    "a logic function's result, run with the workspace's access (engine/metadata-modules/logic-function resolver)",
  ],
  [
    'eventLogs',
    "the workspace's event log, record events included (EventLogsResolver, EventLogsService.findEventLogs)",
  ],
  [
    'previewMessageCampaignAudience',
    'the people a campaign would reach (message campaign resolver, MessageCampaignAudienceService.previewAudience)',
  ],
  ['recordSharing', 'whom a record is shared with (record sharing resolver, RecordSharingService)'],
  ['recordPermissions', 'what may be done with given records (RecordPermissionsService)'],
  ['setRecordShare', "a record's sharing, past the policy (RecordSharingService)"],
  [
    'addQueryToEventStream',
    'a live query over records on the event stream that subscriptions read',
  ],
  ['callRecordingIdForCalendarEvent', 'the recording of a calendar event record'],
]);

/** The root field names a selection set asks for, through inline fragments and spreads. */
function rootFields(
  selections: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
  into: Set<string>,
): void {
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) into.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      rootFields(selection.selectionSet, fragments, seen, into);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) rootFields(fragment.selectionSet, fragments, seen, into);
    }
  }
}

/** The record-derived root fields any operation of the document asks for. */
export function recordDerivedFields(document: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const fields = new Set<string>();
  // Every operation, not only the one `operationName` picks: the host's choice is not ours.
  for (const definition of document.definitions)
    if (definition.kind === Kind.OPERATION_DEFINITION)
      rootFields(definition.selectionSet, fragments, new Set(), fields);
  return [...fields].filter((name) => RECORD_DERIVED_METADATA_FIELDS.has(name));
}

const RECORD_DERIVED_NAMES: ReadonlySet<string> = new Set(RECORD_DERIVED_METADATA_FIELDS.keys());

/** The record-valued types, worked out from the schema once per value of `nativeObjects`. */
const recordTypesByNatives = new Map<string, ReadonlyMap<string, string>>();
function recordTypesFor(nativeObjects: readonly string[]): ReadonlyMap<string, string> {
  const key = nativeObjects.join('\u0000');
  let types = recordTypesByNatives.get(key);
  if (!types) {
    types = recordValueTypes(metadataSchema(), RECORD_DERIVED_METADATA_FIELDS, nativeObjects);
    recordTypesByNatives.set(key, types);
  }
  return types;
}

/**
 * Refuses a metadata document that asks for record-derived answers, for what Twenty 2.43's
 * metadata schema does not have, or that cannot be read. `nativeObjects` is the policy's
 * `gateway.nativeObjects`: objects whose records Twenty's own permissions govern.
 */
export function checkMetadataDocument(query: string, nativeObjects: readonly string[] = []): void {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    throw new Denial(
      'BAD_USER_INPUT',
      'The metadata API query is not valid GraphQL, so the gateway cannot tell what it asks for',
    );
  }
  const refused = recordDerivedFields(document);
  if (refused.length > 0)
    throw new Denial(
      'FORBIDDEN',
      `${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not available through the gateway: the answer is drawn from records, past your permissions. Read the records themselves through /graphql or /rest instead`,
    );
  refuseVerdict(
    judgeMetadataDocument(
      document,
      metadataSchema(),
      recordTypesFor(nativeObjects),
      RECORD_DERIVED_NAMES,
    ),
  );
}
