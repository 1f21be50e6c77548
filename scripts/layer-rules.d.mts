/** Types of scripts/layer-rules.mjs, for the layer report. */
export interface LayerZone {
  target: string | string[]
  from: string | string[]
  except?: string[]
  message: string
}
export const serverPackages: readonly string[]
export const rooms: Readonly<Record<string, readonly string[]>>
export const layerZones: readonly LayerZone[]
