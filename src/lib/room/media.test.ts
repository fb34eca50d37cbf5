import { describe, expect, it } from 'vitest';
import { nearestResolution, resolutionsUpTo } from './media.ts';

describe('camera resolutions', () => {
  it('offers 240p to 1080p, capped by what the camera can do', () => {
    expect(resolutionsUpTo(undefined).map((r) => r.label)).toEqual(['240p', '360p', '480p', '720p', '1080p']);
    expect(resolutionsUpTo(720).map((r) => r.label)).toEqual(['240p', '360p', '480p', '720p']);
    expect(resolutionsUpTo(480).map((r) => r.label)).toEqual(['240p', '360p', '480p']);
  });

  it('names the current one by the nearest height', () => {
    expect(nearestResolution(480)?.label).toBe('480p');
    expect(nearestResolution(700)?.label).toBe('720p');
    expect(nearestResolution(2160)?.label).toBe('1080p');
    expect(nearestResolution(undefined)).toBeUndefined();
  });
});
