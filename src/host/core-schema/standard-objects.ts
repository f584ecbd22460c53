/**
 * Twenty's standard objects as Tiergate relies on them: company, person, opportunity, task and
 * workspaceMember, with the relations between them (read from twenty-sdk 2.43 `dist/define/index.d.ts` `STANDARD_OBJECTS`).
 *
 * Demoted fields: PR #21171 moved company `annualRecurringRevenue`, `employees`,
 * `idealCustomerProfile`, `xLink` and person `city`, `xLink` to the workspace custom app, so new
 * workspaces lack them. They are kept here because older workspaces have them and the example
 * policy (examples/acme) names them; the sandbox serves the schema of such a workspace.
 *
 * Left out, being unconfirmed for 2.43: company `annualRevenue` (type unknown), workspaceMember
 * `colorScheme`, `dateFormat`, `timeFormat`, and the task-target / note / timeline relations.
 */
import type {
  FieldMetadata,
  FieldMetadataType,
  FieldOption,
  ObjectMetadata,
} from './object-metadata.js';

function field(
  name: string,
  label: string,
  type: FieldMetadataType,
  extra: Partial<FieldMetadata> = {},
): FieldMetadata {
  return { name, label, type, isNullable: true, ...extra };
}

function options(values: readonly string[]): readonly FieldOption[] {
  return values.map((value, position) => ({
    value,
    label: value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' '),
    position,
  }));
}

/** A MANY_TO_ONE relation holding the foreign key `<name>Id`. */
function manyToOne(name: string, label: string, target: string, inverse: string): FieldMetadata {
  return field(name, label, 'RELATION', {
    relation: {
      type: 'MANY_TO_ONE',
      targetObject: target,
      targetField: inverse,
      joinColumn: `${name}Id`,
    },
  });
}

/** The inverse, ONE_TO_MANY side of `target.inverse`. */
function oneToMany(name: string, label: string, target: string, inverse: string): FieldMetadata {
  return field(name, label, 'RELATION', {
    relation: { type: 'ONE_TO_MANY', targetObject: target, targetField: inverse },
  });
}

/** The fields every object has. */
function systemFields(): readonly FieldMetadata[] {
  const system = { isSystem: true } as const;
  return [
    field('id', 'Id', 'UUID', { ...system, isNullable: false, defaultValue: 'uuid' }),
    field('createdAt', 'Creation date', 'DATE_TIME', {
      ...system,
      isNullable: false,
      defaultValue: 'now',
    }),
    field('updatedAt', 'Last update', 'DATE_TIME', {
      ...system,
      isNullable: false,
      defaultValue: 'now',
    }),
    // Soft delete: `delete*` sets it, `restore*` clears it, `destroy*` removes the row.
    field('deletedAt', 'Deleted at', 'DATE_TIME', system),
    field('createdBy', 'Created by', 'ACTOR', {
      ...system,
      isNullable: false,
      defaultValue: { source: "'MANUAL'", name: "'System'" },
    }),
    field('updatedBy', 'Updated by', 'ACTOR', {
      ...system,
      isNullable: false,
      defaultValue: { source: "'MANUAL'", name: "'System'" },
    }),
    field('position', 'Position', 'POSITION', { ...system, defaultValue: 0 }),
    field('searchVector', 'Search vector', 'TS_VECTOR', system),
  ];
}

const company: ObjectMetadata = {
  nameSingular: 'company',
  namePlural: 'companies',
  labelSingular: 'Company',
  labelPlural: 'Companies',
  description: 'A company',
  fields: [
    ...systemFields(),
    field('name', 'Name', 'TEXT'),
    field('domainName', 'Domain Name', 'LINKS'),
    field('address', 'Address', 'ADDRESS'),
    field('linkedinLink', 'Linkedin', 'LINKS'),
    // Demoted by PR #21171: present on older workspaces only.
    field('annualRecurringRevenue', 'ARR', 'CURRENCY'),
    field('employees', 'Employees', 'NUMBER'),
    field('idealCustomerProfile', 'ICP', 'BOOLEAN', { isNullable: false, defaultValue: false }),
    field('xLink', 'X', 'LINKS'),
    manyToOne('accountOwner', 'Account Owner', 'workspaceMember', 'accountOwnerForCompanies'),
    oneToMany('people', 'People', 'person', 'company'),
    oneToMany('opportunities', 'Opportunities', 'opportunity', 'company'),
  ],
};

const person: ObjectMetadata = {
  nameSingular: 'person',
  namePlural: 'people',
  labelSingular: 'Person',
  labelPlural: 'People',
  description: 'A person',
  fields: [
    ...systemFields(),
    field('name', 'Name', 'FULL_NAME'),
    field('emails', 'Emails', 'EMAILS'),
    field('phones', 'Phones', 'PHONES'),
    field('jobTitle', 'Job Title', 'TEXT'),
    field('linkedinLink', 'Linkedin', 'LINKS'),
    field('avatarUrl', 'Avatar', 'TEXT'),
    // Demoted by PR #21171: present on older workspaces only.
    field('city', 'City', 'TEXT'),
    field('xLink', 'X', 'LINKS'),
    manyToOne('company', 'Company', 'company', 'people'),
    oneToMany(
      'pointOfContactForOpportunities',
      'Linked Opportunities',
      'opportunity',
      'pointOfContact',
    ),
  ],
};

/** Pipeline stages; CUSTOMER is a won deal. */
export const OPPORTUNITY_STAGES = ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'] as const;

const opportunity: ObjectMetadata = {
  nameSingular: 'opportunity',
  namePlural: 'opportunities',
  labelSingular: 'Opportunity',
  labelPlural: 'Opportunities',
  description: 'An opportunity',
  fields: [
    ...systemFields(),
    field('name', 'Name', 'TEXT'),
    field('amount', 'Amount', 'CURRENCY'),
    field('closeDate', 'Close date', 'DATE_TIME'),
    field('stage', 'Stage', 'SELECT', {
      isNullable: false,
      defaultValue: "'NEW'",
      options: options(OPPORTUNITY_STAGES),
    }),
    manyToOne('company', 'Company', 'company', 'opportunities'),
    manyToOne('pointOfContact', 'Point of Contact', 'person', 'pointOfContactForOpportunities'),
    manyToOne('owner', 'Owner', 'workspaceMember', 'ownedOpportunities'),
  ],
};

export const TASK_STATUSES = ['TODO', 'IN_PROGRESS', 'DONE'] as const;

const task: ObjectMetadata = {
  nameSingular: 'task',
  namePlural: 'tasks',
  labelSingular: 'Task',
  labelPlural: 'Tasks',
  description: 'A task',
  fields: [
    ...systemFields(),
    field('title', 'Title', 'TEXT'),
    field('bodyV2', 'Body', 'RICH_TEXT'),
    field('dueAt', 'Due Date', 'DATE_TIME'),
    field('status', 'Status', 'SELECT', {
      defaultValue: "'TODO'",
      options: options(TASK_STATUSES),
    }),
    manyToOne('assignee', 'Assignee', 'workspaceMember', 'assignedTasks'),
  ],
};

const workspaceMember: ObjectMetadata = {
  nameSingular: 'workspaceMember',
  namePlural: 'workspaceMembers',
  labelSingular: 'Workspace Member',
  labelPlural: 'Workspace Members',
  description: 'A workspace member',
  isSystem: true,
  fields: [
    ...systemFields(),
    field('name', 'Name', 'FULL_NAME'),
    field('userEmail', 'User Email', 'TEXT'),
    field('userId', 'User Id', 'UUID', { isNullable: false }),
    field('avatarUrl', 'Avatar Url', 'TEXT'),
    field('jobTitle', 'Job Title', 'TEXT'),
    field('locale', 'Language', 'TEXT', { isNullable: false, defaultValue: "'en'" }),
    field('timeZone', 'Time zone', 'TEXT', { isNullable: false, defaultValue: "'system'" }),
    oneToMany('accountOwnerForCompanies', 'Account Owner For Companies', 'company', 'accountOwner'),
    oneToMany('ownedOpportunities', 'Owned Opportunities', 'opportunity', 'owner'),
    oneToMany('assignedTasks', 'Assigned tasks', 'task', 'assignee'),
  ],
};

/** The standard objects, in the order the snapshot lists them. */
export const STANDARD_OBJECTS: readonly ObjectMetadata[] = [
  company,
  person,
  opportunity,
  task,
  workspaceMember,
];
