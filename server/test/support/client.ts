/**
 * A small HTTP client for tests: JSON in and out, and a cookie jar of one
 * session cookie, as a browser would keep it.
 */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Client {
  readonly cookies = new Map<string, string>();
  bearer: string | null = null;

  /** The Cookie header a browser would send. */
  get cookie(): string | null {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : null;
  }

  constructor(readonly baseUrl: string) {}

  /** The same session (its cookies, as they are now) sending to another node at `baseUrl`. */
  at(baseUrl: string): Client {
    const copy = new Client(baseUrl);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    copy.bearer = this.bearer;
    return copy;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (body !== undefined) {
      if (Buffer.isBuffer(body) || typeof body === 'string') {
        init.body = body;
      } else {
        h['content-type'] ??= 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    if (this.cookie) h['cookie'] = this.cookie;
    if (this.bearer) h['authorization'] = `Bearer ${this.bearer}`;
    const response = await fetch(this.baseUrl + path, init);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: (type.includes('json') && text ? JSON.parse(text) : text) as T,
      headers: response.headers,
    };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}
