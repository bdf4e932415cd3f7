/** The API client: bearer token from the session, JSON in and out, errors as ApiError. */

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'nw.token';
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
const unauthorizedListeners = new Set<() => void>();

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called when the API answers 401 (session expired or revoked): the app shows the login. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  /** An object is sent as JSON; a string is sent as is with `contentType`. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (typeof options.body === 'string') {
    body = options.body;
    headers['Content-Type'] = options.contentType ?? 'text/plain';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(withQuery(path, options.query), {
    method: options.method ?? 'GET',
    headers,
    body,
    signal: options.signal,
  });
  if (res.status === 401 && token) {
    setToken(null);
    unauthorizedListeners.forEach((l) => l());
  }
  if (!res.ok) throw await toError(res);
  return res;
}

async function toError(res: Response): Promise<ApiError> {
  let parsed: { error?: string; message?: string | string[]; details?: FieldProblem[] } = {};
  try {
    parsed = (await res.json()) as typeof parsed;
  } catch {
    // Not JSON (a proxy's error page): the status line is all there is.
  }
  const message = Array.isArray(parsed.message)
    ? parsed.message.join('; ')
    : (parsed.message ?? `${res.status} ${res.statusText}`);
  return new ApiError(res.status, message, parsed.error ?? 'error', parsed.details ?? []);
}

/** A JSON request; 204 gives undefined. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Downloads a file through the API (the bearer token cannot ride on a plain link). */
export async function download(path: string, fallbackName: string, query?: Query): Promise<void> {
  const res = await send(path, { query, contentType: undefined });
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A page of a list endpoint (`limit`/`offset`, 50 by default, 500 at most). */
export interface Page<T> {
  items: T[];
  total: number;
  limit?: number;
  offset?: number;
}
