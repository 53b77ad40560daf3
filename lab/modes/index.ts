// lab/modes/: how a lab runs its app and registry, one model per mode (types.ts says what a mode decides).
import type { LabMode } from "../config/keys";
import { containersMode } from "./containers";
import { seatsMode } from "./seats";
import { swarmMode } from "./swarm";
import type { LabModeModel } from "./types";

/** Every mode, by the name the `mode` config key gives it. A new mode registers here with one line. */
export const MODES: { readonly [M in LabMode]: LabModeModel } = {
    containers: containersMode,
    swarm: swarmMode,
    seats: seatsMode,
};

export { type ContainersApp, containersApp, containersMode } from "./containers";
export type { AppInput, AppPort, GuardedObject, LabEngine, LabModeModel, LabObjectRole } from "./types";
