// The application photo's requirements (個人番号カード交付申請書の顔写真), as consular staff check
// them when they review an overseas online application (main/counter/overseas-review.ts).
//
// Source: the J-LIS photo rules the application form and the embassy pages repeat
// (shared/reference/counter-workflow-and-anchors.md §3.6: ru.emb-japan.go.jp; photo 4.5×3.5 cm
// on paper forms): taken within the last six months, facing the camera, no headwear, no
// background, the face clear and in focus, not edited. An online application uploads the photo
// in the same proportions, so the size is not a separate check here.

export const PHOTO_REQUIREMENTS = [
  'taken-within-six-months',
  'facing-front',
  'no-headwear',
  'plain-background',
  'face-clear',
  'not-edited',
] as const;
export type PhotoRequirement = (typeof PHOTO_REQUIREMENTS)[number];

/** The requirements a reviewer did not confirm, in the list's order; empty when all hold. */
export function unmetPhotoRequirements(confirmed: readonly PhotoRequirement[]): PhotoRequirement[] {
  return PHOTO_REQUIREMENTS.filter((requirement) => !confirmed.includes(requirement));
}
