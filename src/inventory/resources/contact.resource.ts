import {
  CreateContactDto,
  CreateContactRoleDto,
  UpdateContactDto,
  UpdateContactRoleDto,
} from '../dto/contact.dto';
import { Contact, ContactRole } from '../entities';
import { CONTACT_OBJECT_TYPES, CONTACT_ROLES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { byUnitColumn, enumFilter, exists, pick, problem, refFilter } from './helpers';

export const contactResource: ResourceDefinition<Contact> = {
  path: 'contacts',
  objectType: 'contact',
  entity: Contact,
  createDto: CreateContactDto,
  updateDto: UpdateContactDto,
  searchFields: ['name', 'email', 'title', 'phone'],
  sortable: ['name', 'email'],
  filters: {},
  unitScope: byUnitColumn(),
  describe: (c) => c.email,
  constraintFields: { contacts_email_key: 'email', contacts_unit_id_fkey: 'unitId' },
  prepare: (body) => {
    const out = pick<Contact>(body, ['email', 'name', 'phone', 'title', 'unitId']);
    if (typeof out.email === 'string') out.email = out.email.toLowerCase();
    return out;
  },
};

/** Tables holding each object type a contact can answer for. */
export const CONTACT_OBJECT_TABLES: Record<string, string> = {
  unit: 'units',
  site: 'sites',
  device: 'devices',
  circuit: 'circuits',
  service: 'services',
};

export const contactRoleResource: ResourceDefinition<ContactRole> = {
  path: 'contact-roles',
  objectType: 'contact_role',
  entity: ContactRole,
  createDto: CreateContactRoleDto,
  updateDto: UpdateContactRoleDto,
  searchFields: ['role', 'objectType'],
  sortable: ['objectType', 'role'],
  filters: {
    objectType: enumFilter('object_type', CONTACT_OBJECT_TYPES, 'Type of the object'),
    objectId: { description: 'Id of the object', sql: 'o.object_id = :value' },
    role: enumFilter('role', CONTACT_ROLES, 'Role'),
    contact: refFilter('contact_id', 'contacts', 'email', 'Contact (email or id)'),
  },
  unitScope: null,
  describe: (r) => `${r.objectType}/${r.objectId}/${r.role}`,
  constraintFields: { contact_roles_contact_id_fkey: 'contactId', contact_roles_unique: 'role' },
  async check(em, candidate) {
    // object_id is polymorphic, so no foreign key can guard it: check it here.
    const ok = await exists(em, CONTACT_OBJECT_TABLES[candidate.objectType], candidate.objectId);
    return ok
      ? []
      : [problem('objectId', `objectId does not refer to an existing ${candidate.objectType}`)];
  },
};
