// Okabe-Ito: a palette that stays distinguishable with the common colour-vision deficiencies.
// Lines also differ by dash pattern, so colour is never the only cue.

export const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#F0E442', // yellow
  '#000000', // black
] as const

export const DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2], [12, 2], [6, 2, 2, 2]]

export function colour(i: number): string {
  return OKABE_ITO[((i % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length]
}

export function dash(i: number): number[] {
  return DASHES[i % DASHES.length]
}
