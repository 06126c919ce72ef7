import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** The form-encoded body Stripe's client sent, as flat `a[b][c]` keys. */
  form: Record<string, string>;
}

/**
 * A local HTTP server in Stripe's place, for the outgoing half of the Stripe
 * tests: Salon's real `stripe` client makes real HTTP requests to it (the
 * client takes host/port/protocol: STRIPE_API_URL), and it records them and
 * answers with Stripe-shaped JSON for the four calls Salon makes (create and
 * retrieve a Checkout Session, create a refund, create a transfer). It is a
 * stand-in for the remote service, not a mock of our code: signing, parsing
 * and idempotency handling on our side all run for real.
 */
export async function startStripeApi(): Promise<{
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}> {
  const calls: RecordedCall[] = [];
  let n = 0;
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const form = Object.fromEntries(new URLSearchParams(body));
    const path = (req.url ?? '').split('?')[0]!;
    const key = req.headers['idempotency-key'];
    calls.push({
      method: req.method ?? '',
      path,
      idempotencyKey: typeof key === 'string' ? key : undefined,
      form,
    });
    n += 1;
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${n}` });
      res.end(JSON.stringify(json));
    };
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const id = `cs_test_${n}`;
      return reply(200, {
        id,
        object: 'checkout.session',
        status: 'open',
        url: `https://checkout.stripe.test/c/pay/${id}`,
        metadata: {
          space_id: form['metadata[space_id]'],
          buyer_id: form['metadata[buyer_id]'],
          ticket_id: form['metadata[ticket_id]'],
        },
        amount_total: Number(form['line_items[0][price_data][unit_amount]']),
        currency: form['line_items[0][price_data][currency]'],
      });
    }
    const retrieve = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && retrieve) {
      return reply(200, {
        id: retrieve[1],
        object: 'checkout.session',
        status: 'open',
        url: `https://checkout.stripe.test/c/pay/${retrieve[1]}`,
      });
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      return reply(200, {
        id: `re_test_${n}`,
        object: 'refund',
        payment_intent: form['payment_intent'],
        status: 'succeeded',
      });
    }
    if (req.method === 'POST' && path === '/v1/transfers') {
      return reply(200, {
        id: `tr_test_${n}`,
        object: 'transfer',
        amount: Number(form['amount']),
        currency: form['currency'],
        destination: form['destination'],
      });
    }
    reply(404, { error: { type: 'invalid_request_error', message: `no route ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
