import {
    asClassSpec,
    type ClassSpec,
    type ContainerSpec,
    containersApp,
    type LabCore,
    type LabSpec,
    oneLab,
    type ServiceSpec,
    type SharedSpec,
    type SwarmApp,
    swarmApp,
    swarmRegistry,
} from "../../lab";
import { specFor } from "../../tools/stack";

/** The specs the tests build, typed by what they are: the one learner's lab, or a class. */

/** The one learner's lab of `stack` from raw config values over the project's defaults. */
export function labSpec(raw: Partial<Record<string, unknown>> = {}, stack = "dev"): LabSpec {
    return oneLab(specFor(raw, stack));
}

/** A class of `stack` from raw config values (with students) over the project's defaults. */
export function classSpec(raw: Partial<Record<string, unknown>>, stack = "dev"): ClassSpec {
    return asClassSpec(specFor(raw, stack));
}

/** A lab's app replicas (containers mode). */
export function replicasOf(lab: LabCore): ContainerSpec[] {
    return containersApp(lab.app).replicas;
}

/** A lab's app in swarm mode. */
export function swarmAppOf(lab: LabCore): SwarmApp {
    return swarmApp(lab.app);
}

/** A lab's app service (swarm mode). */
export function appServiceOf(lab: LabCore): ServiceSpec {
    return swarmApp(lab.app).service;
}

/** The registry's service (swarm mode). */
export function registryServiceOf(spec: SharedSpec): ServiceSpec {
    return swarmRegistry(spec.registry).service;
}
