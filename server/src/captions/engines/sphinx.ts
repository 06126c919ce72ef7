import koffi from 'koffi';

/** Debian's libpocketsphinx3 (and its libsphinxbase3), loaded by soname. */
export const POCKETSPHINX_LIBRARY = 'libpocketsphinx.so.3';
export const SPHINXBASE_LIBRARY = 'libsphinxbase.so.3';
/** Debian's pocketsphinx-en-us: acoustic model, language model and dictionary. */
export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/** The C functions a streaming decoder needs (pocketsphinx.h, cmd_ln.h, err.h). */
function bind() {
  const base = koffi.load(SPHINXBASE_LIBRARY);
  const ps = koffi.load(POCKETSPHINX_LIBRARY);
  return {
    cmdLnParse: base.func(
      'void *cmd_ln_parse_r(void *inout, void *defn, int argc, const char **argv, int strict)',
    ),
    cmdLnFree: base.func('int cmd_ln_free_r(void *cmdln)'),
    errSetLogfp: base.func('void err_set_logfp(void *stream)'),
    psArgs: ps.func('void *ps_args()'),
    psInit: ps.func('void *ps_init(void *config)'),
    psStartUtt: ps.func('int ps_start_utt(void *ps)'),
    psProcessRaw: ps.func(
      'int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)',
    ),
    psGetHyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *score)'),
    psEndUtt: ps.func('int ps_end_utt(void *ps)'),
    psFree: ps.func('int ps_free(void *ps)'),
  };
}

let api: ReturnType<typeof bind> | null = null;

/** Loads the libraries once (throws when they are not installed). */
export function sphinx(): ReturnType<typeof bind> {
  if (!api) {
    api = bind();
    // The library logs every step to stderr by default.
    api.errSetLogfp(null);
  }
  return api;
}

/**
 * One pocketsphinx decoder (one model load, ~0.4 s of CPU), reused for any
 * number of utterances: `start` resets its search, `push` decodes audio as
 * it comes, `hyp` is the best hypothesis so far (cheap), `end` finishes the
 * utterance and gives its final text.
 */
export class SphinxDecoder {
  private readonly config: unknown;
  private readonly ps: unknown;
  private open = false;

  constructor(modelDir = POCKETSPHINX_MODEL_DIR, sampleRate = 16_000) {
    const c = sphinx();
    const argv = [
      '-hmm',
      `${modelDir}/en-us`,
      '-lm',
      `${modelDir}/en-us.lm.bin`,
      '-dict',
      `${modelDir}/cmudict-en-us.dict`,
      '-samprate',
      String(sampleRate),
    ];
    this.config = c.cmdLnParse(null, c.psArgs(), argv.length, argv, 1);
    if (!this.config) throw new Error('pocketsphinx: bad configuration');
    this.ps = c.psInit(this.config);
    if (!this.ps) {
      c.cmdLnFree(this.config);
      throw new Error(`pocketsphinx: the model in ${modelDir} did not load`);
    }
  }

  start(): void {
    if (this.open) sphinx().psEndUtt(this.ps);
    if (sphinx().psStartUtt(this.ps) < 0) throw new Error('pocketsphinx: ps_start_utt failed');
    this.open = true;
  }

  push(pcm: Int16Array): void {
    if (!this.open || pcm.length === 0) return;
    if (sphinx().psProcessRaw(this.ps, pcm, pcm.length, 0, 0) < 0)
      throw new Error('pocketsphinx: ps_process_raw failed');
  }

  hyp(): string {
    if (!this.open) return '';
    return clean(sphinx().psGetHyp(this.ps, [0]) as string | null);
  }

  end(): string {
    if (!this.open) return '';
    this.open = false;
    sphinx().psEndUtt(this.ps);
    return clean(sphinx().psGetHyp(this.ps, [0]) as string | null);
  }

  free(): void {
    sphinx().psFree(this.ps);
    sphinx().cmdLnFree(this.config);
  }
}

/** The hypothesis without fillers (`<sil>`, `[noise]`) and alternate-pronunciation marks. */
export function clean(hyp: string | null): string {
  return (hyp ?? '')
    .replace(/<[^>]*>|\[[^\]]*\]|\(\d+\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
