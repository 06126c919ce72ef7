import { describe, expect, test } from 'vitest';
import { cropRect, initialCrop, MAX_ZOOM, pan, zoomTo } from './crop';

describe('the avatar crop', () => {
  test('starts as the largest centred square of the picture', () => {
    expect(cropRect(400, 200, initialCrop(400, 200))).toEqual({ x: 100, y: 0, size: 200 });
    expect(cropRect(300, 600, initialCrop(300, 600))).toEqual({ x: 0, y: 150, size: 300 });
  });

  test('zooming in cuts a smaller square around the same centre, within 1 and the maximum', () => {
    const crop = zoomTo(400, 200, initialCrop(400, 200), 2);
    expect(cropRect(400, 200, crop)).toEqual({ x: 150, y: 50, size: 100 });
    expect(cropRect(400, 200, zoomTo(400, 200, crop, 99)).size).toBe(200 / MAX_ZOOM);
    expect(cropRect(400, 200, zoomTo(400, 200, crop, 0.1)).size).toBe(200);
  });

  test('dragging right moves the square left, at the preview scale, never outside', () => {
    const start = zoomTo(400, 200, initialCrop(400, 200), 2);
    // The 100-pixel square is shown 200 pixels wide: a 20-pixel drag moves it 10 image pixels.
    expect(cropRect(400, 200, pan(400, 200, start, 20, 0, 200))).toEqual({
      x: 140,
      y: 50,
      size: 100,
    });
    expect(cropRect(400, 200, pan(400, 200, start, 10_000, -10_000, 200))).toEqual({
      x: 0,
      y: 100,
      size: 100,
    });
  });
});
