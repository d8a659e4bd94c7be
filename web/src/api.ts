/**
 * The portal's only door to Relais: the HTTP API, with the session cookie (sent by the browser) and, on every request
 * that changes something, the session's CSRF token. Refusals come back as RFC 9457 problems, turned into `ApiError`.
 */

export interface FieldProblem {
  field: string;
  reason: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

/** A refusal by the API (or no answer at all: status 0). */
export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly retryAfter: string | null = null,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
  /** The reason given for a field (a JSON pointer such as `/to` or `/messages/3/to`), if any. */
  reasonFor(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.reason;
  }
}

interface Connection {
  csrfToken: string | null;
  /** The account staff act on (the Relais-Account header); null for an account's own users. */
  actingAccount: string | null;
  /** Called when the API says the session is gone. */
  onSignedOut: () => void;
}

const connection: Connection = { csrfToken: null, actingAccount: null, onSignedOut: () => undefined };

export function configureConnection(change: Partial<Connection>): void {
  Object.assign(connection, change);
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body (a file) with its content type, instead of JSON. */
  raw?: { data: Blob | string; type: string };
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined | null>;
}

export function url(path: string, query: RequestOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export function headersFor(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD' && connection.csrfToken) headers['x-csrf-token'] = connection.csrfToken;
  if (connection.actingAccount) headers['relais-account'] = connection.actingAccount;
  return headers;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const extra: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (options.raw) {
    extra['content-type'] = options.raw.type;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    extra['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url(path, options.query), { method, headers: headersFor(method, extra), credentials: 'same-origin', ...(body === undefined ? {} : { body }) });
  } catch {
    throw new ApiError({ status: 0 });
  }
  return answer<T>(response, path);
}

async function answer<T>(response: Response, path: string): Promise<T> {
  const text = await response.text();
  if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
  let problem: Problem = { status: response.status };
  try {
    problem = { ...(JSON.parse(text) as Problem), status: response.status };
  } catch {
    // not a problem document (a proxy's page): the status says enough
  }
  if (response.status === 401 && !path.startsWith('/v1/session')) connection.onSignedOut();
  throw new ApiError(problem, response.headers.get('retry-after'));
}

/** Uploads a file with progress (fetch cannot report an upload's progress). */
export function upload<T>(path: string, query: RequestOptions['query'], file: Blob, type: string, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url(path, query));
    for (const [name, value] of Object.entries(headersFor('POST', { 'content-type': type }))) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onerror = () => reject(new ApiError({ status: 0 }));
    request.onload = () => {
      const response = new Response(request.status === 204 ? null : request.responseText, { status: request.status, headers: { 'retry-after': request.getResponseHeader('retry-after') ?? '' } });
      answer<T>(response, path).then(resolve, reject);
    };
    request.send(file);
  });
}
