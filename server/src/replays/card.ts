import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnTied } from '../util/child.js';
import { clip } from './meta.js';
import { escapeXml } from './rss.js';

/** The size link previews ask for (Open Graph's 1.91:1). */
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
const RENDER_TIMEOUT_MS = 15_000;
const CACHED = 200;

export interface CardInput {
  title: string;
  hostName: string;
  hostHandle: string;
  /** What the space is now, in words: "Live now", "Replay · 42 min", "Scheduled". */
  status: string;
  live: boolean;
}

/** Lines of at most `width` characters, at most `lines` of them, the last cut with an ellipsis. */
export function wrap(text: string, width: number, lines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= width) {
      line = next;
      continue;
    }
    if (line) out.push(line);
    line = word.length > width ? clip(word, width) : word;
    if (out.length === lines) break;
  }
  if (line && out.length < lines) out.push(line);
  if (out.length > lines) out.length = lines;
  const used = out.join(' ').length;
  if (used < text.replace(/\s+/g, ' ').trim().length && out.length === lines) {
    out[lines - 1] = clip(`${out[lines - 1]} …`, width);
  }
  return out;
}

/** The share card as SVG: the title large, the host, the state; text escaped for XML. */
export function cardSvg(input: CardInput): string {
  const title = wrap(input.title, 26, 3)
    .map((line, i) => `<tspan x="80" dy="${i === 0 ? 0 : 84}">${escapeXml(line)}</tspan>`)
    .join('');
  const accent = input.live ? '#e0245e' : '#7c5cff';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}">`,
    '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1d1530"/><stop offset="1" stop-color="#3a2466"/></linearGradient></defs>',
    `<rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="url(#g)"/>`,
    `<rect x="80" y="72" rx="24" width="${Math.max(160, input.status.length * 17 + 56)}" height="48" fill="${accent}"/>`,
    `<text x="108" y="106" font-family="DejaVu Sans, sans-serif" font-size="28" font-weight="bold" fill="#fff">${escapeXml(input.status)}</text>`,
    `<text x="80" y="240" font-family="DejaVu Sans, sans-serif" font-size="68" font-weight="bold" fill="#fff">${title}</text>`,
    `<text x="80" y="540" font-family="DejaVu Sans, sans-serif" font-size="34" fill="#e8e2ff">${escapeXml(clip(input.hostName, 40))}</text>`,
    `<text x="80" y="584" font-family="DejaVu Sans, sans-serif" font-size="28" fill="#b9addf">@${escapeXml(input.hostHandle)}</text>`,
    `<text x="${CARD_WIDTH - 80}" y="584" text-anchor="end" font-family="DejaVu Sans, sans-serif" font-size="34" font-weight="bold" fill="#fff">Salon</text>`,
    '</svg>',
  ].join('');
}

/**
 * Share cards rendered to PNG by ffmpeg (its librsvg decoder; fonts from
 * fontconfig), offline, kept in memory by content: the same title, host and
 * state is rendered once. About 100 ms each here.
 */
export class ShareCards {
  private readonly cache = new Map<string, Promise<Buffer>>();

  png(input: CardInput): Promise<Buffer> {
    const svg = cardSvg(input);
    const key = createHash('sha256').update(svg).digest('hex');
    const known = this.cache.get(key);
    if (known) {
      // Most recently used last: the oldest is dropped first.
      this.cache.delete(key);
      this.cache.set(key, known);
      return known;
    }
    const work = renderPng(svg);
    this.cache.set(key, work);
    work.catch(() => this.cache.delete(key));
    while (this.cache.size > CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return work;
  }
}

async function renderPng(svg: string): Promise<Buffer> {
  // ffmpeg's svg_pipe cannot probe from a pipe: the SVG goes through a file.
  const dir = await mkdtemp(path.join(tmpdir(), 'salon-card-'));
  const file = path.join(dir, 'card.svg');
  try {
    await writeFile(file, svg);
    return await new Promise<Buffer>((resolve, reject) => {
      // ffmpeg's command line, alike other ffmpeg calls (captions' decoder) in its flags only.
      const child = spawnTied(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-nostdin',
          '-i',
          file,
          '-frames:v',
          '1',
          '-c:v',
          'png',
          '-f',
          'image2pipe',
          'pipe:1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), RENDER_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => {
        if (err.length < 2000) err += chunk.toString();
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const png = Buffer.concat(out);
        if (code === 0 && png.length > 0) resolve(png);
        else reject(new Error(`share card not rendered (${code}): ${err.trim()}`));
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
