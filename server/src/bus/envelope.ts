/**
 * What the bus's channels carry (all but `commits`, whose one kind is its
 * own JSON): a typed envelope, the message's kind on a header line before
 * its JSON. A receiver switches on the kind, from a closed list, without
 * parsing first (a server message serialized once is forwarded to sockets as
 * it came), and no message is told from another by sniffing its text.
 */
export interface Envelope<K extends string> {
  kind: K;
  /** The message itself, as it was serialized once for the whole cluster. */
  json: string;
}

export function seal<K extends string>(kind: K, json: string): string {
  return `${kind}\n${json}`;
}

/** The envelope of a bus message, or null when it is not one of `kinds` (a stray, or garbled). */
export function open<K extends string>(text: string, kinds: ReadonlySet<K>): Envelope<K> | null {
  const at = text.indexOf('\n');
  if (at <= 0) return null;
  const kind = text.slice(0, at) as K;
  return kinds.has(kind) ? { kind, json: text.slice(at + 1) } : null;
}
