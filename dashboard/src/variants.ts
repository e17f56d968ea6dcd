import type { Experience, Variant } from './api'

/** "Control" style display name: the variant's name when it has one, else "Variant <shortUid>". */
export function variantName(v: Variant | undefined, shortUid: string): string {
  return v?.name ? v.name : `Variant ${shortUid}`
}

/** Index of a variant in the experience's definition (stable colours across pages). */
export function variantIndex(exp: Experience | undefined, shortUid: string, fallback: number): number {
  const i = exp?.variants.findIndex((v) => v.shortUid === shortUid) ?? -1
  return i >= 0 ? i : fallback
}

/** Tolerates a server that omits the list fields. */
export function normaliseExperience(e: Experience): Experience {
  return { ...e, variants: e.variants ?? [], metrics: e.metrics ?? [] }
}

export function weightShares(variants: Variant[]): number[] {
  const total = variants.reduce((s, v) => s + (Number.isFinite(v.weight) ? v.weight : 0), 0)
  return variants.map((v) => (total > 0 ? v.weight / total : 0))
}
