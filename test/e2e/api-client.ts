import { randomBytes } from 'node:crypto';
import request, { Response } from 'supertest';
import { App } from 'supertest/types';

/** Helpers shared by the e2e suites: a thin typed client over supertest and prerequisite factories. */

export type Json = Record<string, unknown>;
export type Query = Record<string, string | number>;
export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: string;
  message: string;
  details: FieldProblem[];
}

export interface Page<T = Json> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ChangeLogRow {
  id: string;
  at: string;
  actor: string;
  requestId: string | null;
  source: string;
  objectType: string;
  objectId: string;
  action: 'create' | 'update' | 'delete';
  before: Json | null;
  after: Json | null;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sequence = 0;

/** A code fragment unique within the run: upper case letters and digits (valid in unit/site codes). */
export function uniqueTag(prefix = 'T'): string {
  sequence += 1;
  return `${prefix}${sequence}${randomBytes(3).toString('hex').toUpperCase()}`;
}

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.append(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  /** `server`: the app's handler for supertest, signed (TestApp.http). */
  constructor(private readonly server: App) {}

  /** One request; never throws on an HTTP error status. */
  async send(
    method: Method,
    url: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let req = request(this.server)[method](url);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    if (body !== undefined) req = req.send(body);
    return await req;
  }

  /** One request that must answer `status`; the failure message shows the response body. */
  async expectStatus(
    method: Method,
    url: string,
    status: number,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const res = await this.send(method, url, body, headers);
    if (res.status !== status) {
      throw new Error(
        `${method.toUpperCase()} ${url} answered ${res.status}, expected ${status}: ${res.text}`,
      );
    }
    return res;
  }

  async create(path: string, body: Json): Promise<Json> {
    return (await this.expectStatus('post', `/api/${path}`, 201, body)).body as Json;
  }

  async get(path: string, id: string): Promise<Json> {
    return (await this.expectStatus('get', `/api/${path}/${id}`, 200)).body as Json;
  }

  async patch(path: string, id: string, body: Json): Promise<Json> {
    return (await this.expectStatus('patch', `/api/${path}/${id}`, 200, body)).body as Json;
  }

  async list(path: string, query: Query = {}): Promise<Page> {
    return (await this.expectStatus('get', `/api/${path}${queryString(query)}`, 200)).body as Page;
  }

  /** A request that must fail with `status`; returns the error body after checking its shape. */
  async error(method: Method, url: string, status: number, body?: object): Promise<ErrorBody> {
    const res = await this.expectStatus(method, url, status, body);
    const error = res.body as ErrorBody;
    expect(typeof error.error).toBe('string');
    expect(typeof error.message).toBe('string');
    expect(Array.isArray(error.details)).toBe(true);
    return error;
  }

  async changes(objectType: string, objectId: string): Promise<ChangeLogRow[]> {
    const page = (
      await this.expectStatus(
        'get',
        `/api/change-log${queryString({ objectType, objectId, limit: 500 })}`,
        200,
      )
    ).body as Page<ChangeLogRow>;
    return page.items;
  }

  // Prerequisite factories: each creates one object through the API and returns it.

  async unit(tag: string, fields: Json = {}): Promise<Json> {
    return this.create('units', {
      code: `U-${tag}`,
      kind: 'department',
      name: `Sở Thông tin và Truyền thông ${tag}`,
      ...fields,
    });
  }

  async site(tag: string, unitId: unknown, fields: Json = {}): Promise<Json> {
    return this.create('sites', {
      code: `S-${tag}`,
      name: `Trung tâm Hành chính ${tag}`,
      kind: 'campus',
      unitId,
      ...fields,
    });
  }

  async device(tag: string, unitId: unknown, fields: Json = {}): Promise<Json> {
    return this.create('devices', {
      name: `dev-${tag.toLowerCase()}`,
      role: 'router',
      unitId,
      ...fields,
    });
  }

  async iface(deviceId: unknown, name: string, fields: Json = {}): Promise<Json> {
    return this.create('interfaces', { deviceId, name, ...fields });
  }
}

export function ids(page: Page): string[] {
  return page.items.map((item) => String(item.id));
}

export function fieldsOf(error: ErrorBody): string[] {
  return error.details.map((d) => d.field);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
