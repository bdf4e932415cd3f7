import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inventory schema. Written by hand rather than generated so that PostgreSQL does the
 * checking: CHECK constraints for value sets and address families, foreign keys with explicit
 * delete behaviour, GiST indexes (inet_ops) for prefix/address containment.
 */
export class Inventory1764300000000 implements MigrationInterface {
  name = 'Inventory1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const common = `
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      search_text text NOT NULL DEFAULT ''`;

    await q.query(`CREATE TABLE units (${common},
      code varchar(64) NOT NULL CONSTRAINT units_code_key UNIQUE,
      kind varchar(32) NOT NULL CHECK (kind IN ('province','department','sub_unit','district','commune','other')),
      name varchar(255) NOT NULL,
      name_en varchar(255),
      parent_id uuid CONSTRAINT units_parent_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      description text,
      CONSTRAINT units_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id))`);
    await q.query(`CREATE INDEX units_parent_id_idx ON units (parent_id)`);

    await q.query(`CREATE TABLE contacts (${common},
      email varchar(254) NOT NULL CONSTRAINT contacts_email_key UNIQUE,
      name varchar(255) NOT NULL,
      phone varchar(32),
      title varchar(255),
      unit_id uuid CONSTRAINT contacts_unit_id_fkey REFERENCES units(id) ON DELETE SET NULL)`);

    await q.query(`CREATE TABLE contact_roles (${common},
      contact_id uuid NOT NULL CONSTRAINT contact_roles_contact_id_fkey REFERENCES contacts(id) ON DELETE CASCADE,
      object_type varchar(16) NOT NULL CHECK (object_type IN ('unit','site','device','circuit','service')),
      object_id uuid NOT NULL,
      role varchar(32) NOT NULL CHECK (role IN ('technical','responsible_official','administrative','security')),
      CONSTRAINT contact_roles_unique UNIQUE (contact_id, object_type, object_id, role))`);
    await q.query(
      `CREATE INDEX contact_roles_object_idx ON contact_roles (object_type, object_id)`,
    );

    await q.query(`CREATE TABLE sites (${common},
      code varchar(64) NOT NULL CONSTRAINT sites_code_key UNIQUE,
      name varchar(255) NOT NULL,
      name_en varchar(255),
      kind varchar(32) NOT NULL CHECK (kind IN ('campus','data_center','office','other')),
      unit_id uuid NOT NULL CONSTRAINT sites_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      address text,
      latitude double precision CHECK (latitude BETWEEN -90 AND 90),
      longitude double precision CHECK (longitude BETWEEN -180 AND 180),
      description text)`);
    await q.query(`CREATE INDEX sites_unit_id_idx ON sites (unit_id)`);

    await q.query(`CREATE TABLE devices (${common},
      name varchar(128) NOT NULL CONSTRAINT devices_name_key UNIQUE,
      role varchar(32) NOT NULL CHECK (role IN ('server','router','switch','firewall','load_balancer','access_point','other')),
      vendor varchar(128),
      model varchar(128),
      serial_number varchar(128),
      management_address inet CHECK (management_address IS NULL OR masklen(management_address) = CASE family(management_address) WHEN 4 THEN 32 ELSE 128 END),
      site_id uuid CONSTRAINT devices_site_id_fkey REFERENCES sites(id) ON DELETE RESTRICT,
      unit_id uuid NOT NULL CONSTRAINT devices_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('planned','active','decommissioned')),
      description text,
      snmp_version varchar(8) NOT NULL DEFAULT 'none' CHECK (snmp_version IN ('none','v2c','v3')),
      snmp_username varchar(128),
      snmp_auth_protocol varchar(16),
      snmp_priv_protocol varchar(16),
      snmp_secret text)`);
    await q.query(`CREATE INDEX devices_site_id_idx ON devices (site_id)`);
    await q.query(`CREATE INDEX devices_unit_id_idx ON devices (unit_id)`);

    await q.query(`CREATE TABLE interfaces (${common},
      device_id uuid NOT NULL CONSTRAINT interfaces_device_id_fkey REFERENCES devices(id) ON DELETE CASCADE,
      name varchar(64) NOT NULL,
      description text,
      if_index integer CHECK (if_index > 0),
      mac_address macaddr,
      speed_kbps bigint CHECK (speed_kbps >= 0),
      enabled boolean NOT NULL DEFAULT true,
      CONSTRAINT interfaces_device_name_key UNIQUE (device_id, name))`);

    await q.query(`CREATE TABLE vlans (${common},
      site_id uuid NOT NULL CONSTRAINT vlans_site_id_fkey REFERENCES sites(id) ON DELETE RESTRICT,
      vid smallint NOT NULL CHECK (vid BETWEEN 1 AND 4094),
      name varchar(128) NOT NULL,
      unit_id uuid CONSTRAINT vlans_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','reserved','deprecated')),
      description text,
      CONSTRAINT vlans_site_vid_key UNIQUE (site_id, vid))`);

    await q.query(`CREATE TABLE prefixes (${common},
      prefix cidr NOT NULL CONSTRAINT prefixes_prefix_key UNIQUE,
      family smallint NOT NULL CHECK (family = family(prefix)),
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','reserved','deprecated','container')),
      vlan_id uuid CONSTRAINT prefixes_vlan_id_fkey REFERENCES vlans(id) ON DELETE SET NULL,
      unit_id uuid CONSTRAINT prefixes_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      site_id uuid CONSTRAINT prefixes_site_id_fkey REFERENCES sites(id) ON DELETE RESTRICT,
      description text)`);
    await q.query(`CREATE INDEX prefixes_prefix_gist ON prefixes USING gist (prefix inet_ops)`);

    await q.query(`CREATE TABLE ip_addresses (${common},
      address inet NOT NULL,
      family smallint NOT NULL CHECK (family = family(address)),
      interface_id uuid CONSTRAINT ip_addresses_interface_id_fkey REFERENCES interfaces(id) ON DELETE SET NULL,
      dns_name varchar(253),
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','reserved','deprecated')),
      description text)`);
    // One row per host address whatever its prefix length.
    await q.query(`CREATE UNIQUE INDEX ip_addresses_host_key ON ip_addresses ((host(address)))`);
    await q.query(
      `CREATE INDEX ip_addresses_address_gist ON ip_addresses USING gist (address inet_ops)`,
    );
    await q.query(`CREATE INDEX ip_addresses_interface_id_idx ON ip_addresses (interface_id)`);

    await q.query(`CREATE TABLE circuits (${common},
      cid varchar(128) NOT NULL CONSTRAINT circuits_cid_key UNIQUE,
      provider varchar(128) NOT NULL,
      type varchar(32) NOT NULL CHECK (type IN ('dedicated_line','internet','mpls','vpn','other')),
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('planned','active','decommissioned')),
      rate_kbps integer CHECK (rate_kbps > 0),
      unit_id uuid CONSTRAINT circuits_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      a_interface_id uuid CONSTRAINT circuits_a_interface_id_fkey REFERENCES interfaces(id) ON DELETE RESTRICT,
      a_site_id uuid CONSTRAINT circuits_a_site_id_fkey REFERENCES sites(id) ON DELETE RESTRICT,
      z_interface_id uuid CONSTRAINT circuits_z_interface_id_fkey REFERENCES interfaces(id) ON DELETE RESTRICT,
      z_site_id uuid CONSTRAINT circuits_z_site_id_fkey REFERENCES sites(id) ON DELETE RESTRICT,
      install_date date,
      contract_end_date date,
      sla_target_percent numeric(6,3) CHECK (sla_target_percent > 0 AND sla_target_percent <= 100),
      description text,
      CONSTRAINT circuits_a_one_end CHECK (a_interface_id IS NULL OR a_site_id IS NULL),
      CONSTRAINT circuits_z_one_end CHECK (z_interface_id IS NULL OR z_site_id IS NULL),
      CONSTRAINT circuits_dates CHECK (contract_end_date IS NULL OR install_date IS NULL OR contract_end_date >= install_date))`);
    await q.query(`CREATE INDEX circuits_unit_id_idx ON circuits (unit_id)`);

    await q.query(`CREATE TABLE services (${common},
      kind varchar(32) NOT NULL CHECK (kind IN ('website','mail_domain','dns_zone','public_service','other')),
      hostname varchar(253) NOT NULL,
      name varchar(255) NOT NULL,
      url text,
      unit_id uuid NOT NULL CONSTRAINT services_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      criticality varchar(16) NOT NULL DEFAULT 'medium' CHECK (criticality IN ('low','medium','high','critical')),
      ipv6_required boolean NOT NULL DEFAULT false,
      dnssec_required boolean NOT NULL DEFAULT false,
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','planned','retired')),
      description text,
      CONSTRAINT services_kind_hostname_key UNIQUE (kind, hostname))`);
    await q.query(`CREATE INDEX services_unit_id_idx ON services (unit_id)`);

    await q.query(`CREATE TABLE change_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor varchar(255) NOT NULL,
      request_id varchar(128),
      source varchar(32) NOT NULL,
      object_type varchar(32) NOT NULL,
      object_id uuid NOT NULL,
      action varchar(8) NOT NULL CHECK (action IN ('create','update','delete')),
      before jsonb,
      after jsonb)`);
    await q.query(`CREATE INDEX change_log_object_idx ON change_log (object_type, object_id)`);
    await q.query(`CREATE INDEX change_log_at_idx ON change_log (at)`);
    // The change log is append-only: even a bug or a hand-written UPDATE cannot rewrite history.
    await q.query(`CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'change_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER change_log_no_update BEFORE UPDATE OR DELETE ON change_log
      FOR EACH ROW EXECUTE FUNCTION change_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'change_log',
      'services',
      'circuits',
      'ip_addresses',
      'prefixes',
      'vlans',
      'interfaces',
      'devices',
      'sites',
      'contact_roles',
      'contacts',
      'units',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS change_log_append_only()`);
  }
}
