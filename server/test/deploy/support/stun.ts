import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

/**
 * Just enough STUN/TURN (RFC 5389, RFC 5766) over UDP to ask a TURN server
 * what a browser asks it: a Binding request (its mapped address) and an
 * Allocate with long-term credentials (a relayed address), the credentials
 * being those Salon hands out at /api/v1/media/ice-servers.
 */
const COOKIE = 0x2112a442;
export const BINDING = 0x0001;
export const ALLOCATE = 0x0003;
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayed: 0x0016,
  transport: 0x0019,
  xorMapped: 0x0020,
} as const;

export interface StunReply {
  /** 0x0101 Binding success, 0x0103 Allocate success, 0x0113 Allocate error... */
  type: number;
  attributes: Map<number, Buffer>;
  errorCode: number | null;
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, pad]);
}

function message(
  type: number,
  attrs: Buffer[],
  integrityKey?: Buffer,
): { bytes: Buffer; id: Buffer } {
  const id = randomBytes(12);
  const header = (bodyLength: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(bodyLength, 2);
    h.writeUInt32BE(COOKIE, 4);
    id.copy(h, 8);
    return h;
  };
  const body = Buffer.concat(attrs);
  if (!integrityKey) return { bytes: Buffer.concat([header(body.length), body]), id };
  // The HMAC covers the message with its length already counting the integrity attribute.
  const mac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header(body.length + 24), body]))
    .digest();
  const full = Buffer.concat([body, attribute(ATTR.integrity, mac)]);
  return { bytes: Buffer.concat([header(full.length), full]), id };
}

function parse(bytes: Buffer): StunReply & { id: Buffer } {
  const type = bytes.readUInt16BE(0);
  const length = bytes.readUInt16BE(2);
  const attributes = new Map<number, Buffer>();
  let at = 20;
  while (at + 4 <= 20 + length) {
    const t = bytes.readUInt16BE(at);
    const l = bytes.readUInt16BE(at + 2);
    attributes.set(t, bytes.subarray(at + 4, at + 4 + l));
    at += 4 + l + ((4 - (l % 4)) % 4);
  }
  const error = attributes.get(ATTR.errorCode);
  return {
    type,
    id: bytes.subarray(8, 20),
    attributes,
    errorCode: error ? error[2]! * 100 + error[3]! : null,
  };
}

/** An XOR-MAPPED-ADDRESS or XOR-RELAYED-ADDRESS (IPv4) as "a.b.c.d:port". */
export function xorAddress(value: Buffer | undefined): string | null {
  if (value?.[1] !== 0x01) return null;
  const port = value.readUInt16BE(2) ^ (COOKIE >>> 16);
  const addr = value.readUInt32BE(4) ^ COOKIE;
  return `${[24, 16, 8, 0].map((s) => (addr >>> s) & 0xff).join('.')}:${port}`;
}

export const mappedAddress = (r: StunReply) => xorAddress(r.attributes.get(ATTR.xorMapped));
export const relayedAddress = (r: StunReply) => xorAddress(r.attributes.get(ATTR.xorRelayed));

/** A UDP STUN client: one socket, requests retried until answered or `timeoutMs` passes. */
export class StunClient {
  private readonly socket = createSocket('udp4');
  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  static async open(host: string, port: number): Promise<StunClient> {
    const client = new StunClient(host, port);
    await new Promise<void>((resolve) => client.socket.bind(0, '127.0.0.1', resolve));
    return client;
  }

  private async send(bytes: Buffer, id: Buffer, timeoutMs: number): Promise<StunReply> {
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        if (data.length < 20) return;
        const reply = parse(data);
        if (!reply.id.equals(id)) return;
        done();
        resolve(reply);
      };
      const resend = setInterval(() => this.socket.send(bytes, this.port, this.host), 250);
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no STUN answer from ${this.host}:${this.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearInterval(resend);
        clearTimeout(timer);
        this.socket.off('message', onMessage);
      };
      this.socket.on('message', onMessage);
      this.socket.send(bytes, this.port, this.host);
    });
  }

  binding(timeoutMs = 10_000): Promise<StunReply> {
    const m = message(BINDING, []);
    return this.send(m.bytes, m.id, timeoutMs);
  }

  /**
   * An Allocate as a browser sends it: first without credentials (the server
   * answers 401 with its realm and a nonce), then with them.
   */
  async allocate(
    username: string,
    password: string,
    timeoutMs = 10_000,
  ): Promise<{ challenge: StunReply; reply: StunReply }> {
    const transport = attribute(ATTR.transport, Buffer.from([17, 0, 0, 0]));
    const first = message(ALLOCATE, [transport]);
    const challenge = await this.send(first.bytes, first.id, timeoutMs);
    const realm = challenge.attributes.get(ATTR.realm);
    const nonce = challenge.attributes.get(ATTR.nonce);
    if (!realm || !nonce) return { challenge, reply: challenge };
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const second = message(
      ALLOCATE,
      [
        transport,
        attribute(ATTR.username, Buffer.from(username)),
        attribute(ATTR.realm, realm),
        attribute(ATTR.nonce, nonce),
      ],
      key,
    );
    return { challenge, reply: await this.send(second.bytes, second.id, timeoutMs) };
  }

  close(): void {
    this.socket.close();
  }
}
