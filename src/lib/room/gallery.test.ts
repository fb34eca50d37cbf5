import { describe, expect, it } from 'vitest';
import { galleryLayout, type GallerySpace } from './gallery.ts';

const space = (count: number, width: number, height: number): GallerySpace => ({ count, width, height, gap: 8, chrome: 40, aspect: 4 / 3, minTileWidth: 240 });

describe('gallery layout', () => {
  it('gives one feed the whole stage, as wide as the height allows', () => {
    // 1000 across would need 750 + 40 down; 600 down leaves 560 for the tile: 746 wide.
    expect(galleryLayout(space(1, 1000, 600))).toEqual({ columns: 1, tileWidth: 746 });
  });

  it('puts two feeds side by side on a wide stage and one above the other on a tall one', () => {
    expect(galleryLayout(space(2, 900, 700))).toEqual({ columns: 2, tileWidth: 446 });
    expect(galleryLayout(space(2, 500, 900))).toEqual({ columns: 1, tileWidth: 500 });
  });

  it('fits every feed on the stage without scrolling while they can stay usable', () => {
    for (const count of [3, 4, 5, 6, 9]) {
      const { columns, tileWidth } = galleryLayout(space(count, 900, 700));
      const rows = Math.ceil(count / columns);
      expect(columns * tileWidth + (columns - 1) * 8).toBeLessThanOrEqual(900);
      expect(rows * (tileWidth * 0.75 + 40) + (rows - 1) * 8).toBeLessThanOrEqual(700);
      expect(tileWidth).toBeGreaterThanOrEqual(240);
    }
    expect(galleryLayout(space(4, 900, 700))).toEqual({ columns: 2, tileWidth: 408 });
  });

  it('keeps tiles usable and lets the stage scroll when too many feeds would fit only as thumbnails', () => {
    expect(galleryLayout(space(20, 900, 700))).toEqual({ columns: 3, tileWidth: 294 });
    expect(galleryLayout(space(20, 200, 700))).toEqual({ columns: 1, tileWidth: 240 });
  });

  it('lays out an empty stage as one feed', () => {
    expect(galleryLayout(space(0, 900, 700))).toEqual(galleryLayout(space(1, 900, 700)));
  });
});
