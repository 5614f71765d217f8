import { describe, expect, it } from 'vitest';
import { PHOTO_REQUIREMENTS, unmetPhotoRequirements } from './application-photo';

describe('the application photo checklist', () => {
  it('is met only when every requirement was confirmed, in any order', () => {
    expect(unmetPhotoRequirements([...PHOTO_REQUIREMENTS].reverse())).toEqual([]);
  });

  it('names what was not confirmed, in the list order', () => {
    expect(unmetPhotoRequirements(['face-clear', 'taken-within-six-months'])).toEqual([
      'facing-front',
      'no-headwear',
      'plain-background',
      'not-edited',
    ]);
  });
});
