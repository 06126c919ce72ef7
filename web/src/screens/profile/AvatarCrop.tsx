import { type KeyboardEvent, type PointerEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Crop, cropRect, initialCrop, MAX_ZOOM, OUTPUT_SIZE, pan, zoomTo } from './crop';

/** Shown this many CSS pixels square; drawn at the device's pixel ratio so it stays sharp. */
const PREVIEW = 200;
const KEY_STEP = 10;

export interface CropHandle {
  /** The square as it will be uploaded: WebP where the browser encodes it, else PNG. */
  export(): Promise<Blob>;
}

/**
 * The picture chosen, drawn as the square that will be uploaded: drag it (or
 * use the arrow keys) to place it, and the slider to zoom. Nothing leaves the
 * browser until Save; the image is cut and resized here, on a canvas.
 */
export function AvatarCrop({
  file,
  onReady,
  onError,
}: {
  file: File;
  onReady: (handle: CropHandle | null) => void;
  onError: (message: string) => void;
}) {
  const { t } = useTranslation('profile');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [crop, setCrop] = useState<Crop | null>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const zoomId = useId();
  const helpId = useId();
  const ready = useRef(onReady);
  ready.current = onReady;
  const failed = useRef(onError);
  failed.current = onError;

  // Decode the file in the page (an object URL: CSP allows blob: images), never on the server.
  useEffect(() => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    let current = true;
    img.onload = () => {
      if (!current) return;
      setImage(img);
      setCrop(initialCrop(img.naturalWidth, img.naturalHeight));
    };
    img.onerror = () => current && failed.current(t('avatar_unreadable'));
    img.src = url;
    return () => {
      current = false;
      URL.revokeObjectURL(url);
    };
  }, [file, t]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !image || !crop) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.round(PREVIEW * ratio);
    el.height = Math.round(PREVIEW * ratio);
    draw(el, image, crop);
  }, [image, crop]);

  useEffect(() => {
    if (!image || !crop) {
      ready.current(null);
      return;
    }
    ready.current({
      export: () => {
        const out = document.createElement('canvas');
        out.width = OUTPUT_SIZE;
        out.height = OUTPUT_SIZE;
        draw(out, image, crop);
        return new Promise<Blob>((resolve, reject) =>
          out.toBlob(
            (blob) => (blob ? resolve(blob) : reject(new Error('toBlob'))),
            'image/webp',
            0.9,
          ),
        );
      },
    });
  }, [image, crop]);

  if (!image || !crop) return <p className="muted">{t('avatar_loading')}</p>;
  const w = image.naturalWidth;
  const h = image.naturalHeight;

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!drag.current) return;
    const dx = event.clientX - drag.current.x;
    const dy = event.clientY - drag.current.y;
    drag.current = { x: event.clientX, y: event.clientY };
    setCrop((c) => (c ? pan(w, h, c, dx, dy, PREVIEW) : c));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [KEY_STEP, 0],
      ArrowRight: [-KEY_STEP, 0],
      ArrowUp: [0, KEY_STEP],
      ArrowDown: [0, -KEY_STEP],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    setCrop((c) => (c ? pan(w, h, c, move[0], move[1], PREVIEW) : c));
  };

  return (
    <div className="avatar-crop">
      <canvas
        ref={canvas}
        className="avatar-crop-canvas"
        style={{ width: PREVIEW, height: PREVIEW }}
        tabIndex={0}
        role="img"
        aria-label={t('avatar_preview')}
        aria-describedby={helpId}
        data-testid="avatar-preview"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => {
          drag.current = null;
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
        onKeyDown={onKeyDown}
      />
      <p className="hint" id={helpId}>
        {t('avatar_crop_help')}
      </p>
      <div className="field">
        <label htmlFor={zoomId}>{t('avatar_zoom')}</label>
        <input
          id={zoomId}
          type="range"
          min={1}
          max={MAX_ZOOM}
          step={0.05}
          value={crop.zoom}
          onChange={(e) => setCrop(zoomTo(w, h, crop, Number(e.target.value)))}
        />
      </div>
    </div>
  );
}

function draw(target: HTMLCanvasElement, image: HTMLImageElement, crop: Crop): void {
  const context = target.getContext('2d');
  if (!context) return;
  const { x, y, size } = cropRect(image.naturalWidth, image.naturalHeight, crop);
  context.imageSmoothingQuality = 'high';
  context.clearRect(0, 0, target.width, target.height);
  context.drawImage(image, x, y, size, size, 0, 0, target.width, target.height);
}
