/**
 * The square an avatar is cut from: pure geometry, so the crop is tested
 * without a canvas. The square's side is the image's short side divided by
 * the zoom; its centre is moved by dragging and always kept inside the image.
 */
export interface Crop {
  /** 1 shows the whole short side; up to MAX_ZOOM. */
  zoom: number;
  /** Centre of the square, in image pixels. */
  cx: number;
  cy: number;
}

export interface Rect {
  x: number;
  y: number;
  size: number;
}

export const MAX_ZOOM = 4;
/** Uploaded avatars are this many pixels square: sharp at the largest size shown, small to send. */
export const OUTPUT_SIZE = 400;

export function initialCrop(width: number, height: number): Crop {
  return { zoom: 1, cx: width / 2, cy: height / 2 };
}

/** The square to cut, inside the image whatever the crop says. */
export function cropRect(width: number, height: number, crop: Crop): Rect {
  const zoom = Math.min(MAX_ZOOM, Math.max(1, crop.zoom));
  const size = Math.min(width, height) / zoom;
  const x = clamp(crop.cx - size / 2, 0, width - size);
  const y = clamp(crop.cy - size / 2, 0, height - size);
  return { x, y, size };
}

/** The crop with its centre where the square really is (after clamping). */
export function normalize(width: number, height: number, crop: Crop): Crop {
  const zoom = Math.min(MAX_ZOOM, Math.max(1, crop.zoom));
  const { x, y, size } = cropRect(width, height, { ...crop, zoom });
  return { zoom, cx: x + size / 2, cy: y + size / 2 };
}

/**
 * Dragging the picture by (dx, dy) screen pixels over a preview `viewport`
 * pixels wide moves the square the other way: the picture follows the finger.
 */
export function pan(
  width: number,
  height: number,
  crop: Crop,
  dx: number,
  dy: number,
  viewport: number,
): Crop {
  const { size } = cropRect(width, height, crop);
  const scale = size / viewport;
  return normalize(width, height, { ...crop, cx: crop.cx - dx * scale, cy: crop.cy - dy * scale });
}

/** Zooming keeps the same centre. */
export function zoomTo(width: number, height: number, crop: Crop, zoom: number): Crop {
  return normalize(width, height, { ...crop, zoom });
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
