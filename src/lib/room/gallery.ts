/** What the stage measures, and what it needs to know about a feed, to lay out the gallery. */
export interface GallerySpace {
  /** Feeds to show (each one slot: a tile, and its bar under it). */
  readonly count: number;
  /** The stage's inner size, in CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** The gap between slots, both ways. */
  readonly gap: number;
  /** A slot's height beyond its tile's: the bar of controls under it, and the gap between them. */
  readonly chrome: number;
  /** Width over height of a tile. */
  readonly aspect: number;
  /** Below this a tile's controls no longer fit on one line: the stage scrolls instead. */
  readonly minTileWidth: number;
}

export interface GalleryLayout {
  readonly columns: number;
  readonly tileWidth: number;
}

/**
 * The number of columns that gives every feed the largest tile while all of them fit in the stage
 * (as a call's gallery should: nobody below the fold). When even the best fit is narrower than a
 * tile's controls need, it gives as many columns of the narrowest usable tile as fit across, and
 * the stage scrolls.
 */
export function galleryLayout({ count, width, height, gap, chrome, aspect, minTileWidth }: GallerySpace): GalleryLayout {
  const n = Math.max(1, count);
  const across = (columns: number) => (width - gap * (columns - 1)) / columns;
  let best: GalleryLayout = { columns: 1, tileWidth: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const down = ((height - gap * (rows - 1)) / rows - chrome) * aspect;
    const tileWidth = Math.floor(Math.min(across(columns), down));
    if (tileWidth > best.tileWidth) best = { columns, tileWidth };
  }
  if (best.tileWidth >= minTileWidth) return best;
  const columns = Math.max(1, Math.min(n, Math.floor((width + gap) / (minTileWidth + gap))));
  return { columns, tileWidth: Math.floor(Math.max(minTileWidth, across(columns))) };
}
