// components/modes/: what each mode builds (types.ts says what a mode gives the lab); lab/modes holds their models.
import type { LabMode } from "../../lab";
import { containersComponents } from "./containers";
import { seatsComponents } from "./seats";
import { swarmComponents } from "./swarm";
import type { ModeComponents } from "./types";

/** The components of every mode, by the name the `mode` config key gives it. A new mode registers here with one line. */
export const MODE_COMPONENTS: { readonly [M in LabMode]: ModeComponents } = {
    containers: containersComponents,
    swarm: swarmComponents,
    seats: seatsComponents,
};

export type {
    ModeApp,
    ModeAppArgs,
    ModeClass,
    ModeClassArgs,
    ModeComponents,
    ModeRegistry,
    ModeRegistryArgs,
    ModeStudentLab,
    RegistryLogin,
} from "./types";
