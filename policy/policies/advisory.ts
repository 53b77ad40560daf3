import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerSpecOf, describe, forType, isLongRunning, isUnknown, TYPES } from "./common";

/**
 * Advisory habits for long-running containers and services: a restart policy, so a crash does
 * not leave the lab half up, and a healthcheck, so "running" means "answering".
 */

const RESTARTS = ["on-failure", "always", "unless-stopped"];

/** A healthcheck that runs something: tests present and not ["NONE"] (which turns the image's off). */
const hasHealthcheck = (healthcheck: any): boolean =>
    healthcheck instanceof Object && Array.isArray(healthcheck.tests) && healthcheck.tests.length > 0 && healthcheck.tests[0] !== "NONE";

export const restartPolicy: ResourceValidationPolicy = {
    name: "restart-policy",
    description: "Every long-running container and service has a restart policy.",
    enforcementLevel: "advisory",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            if (!isLongRunning(c.props) || isUnknown(c.props.restart)) return;
            if (!RESTARTS.includes(c.props.restart)) {
                report(
                    `${describe(c)}: restart is ${JSON.stringify(c.props.restart ?? "no")}, so a crashed container stays down; fix: set restart to "on-failure" (with maxRetryCount) or "unless-stopped"`,
                );
            }
        }),
        forType(TYPES.service, (s, report) => {
            const condition = s.props.taskSpec?.restartPolicy?.condition;
            if (condition === "none") {
                report(
                    `${describe(s)}: taskSpec.restartPolicy.condition is "none", so a failed task is not replaced; fix: use "on-failure" or "any"`,
                );
            }
        }),
    ],
};

export const healthcheck: ResourceValidationPolicy = {
    name: "healthcheck",
    description: "Every long-running container and service has a healthcheck.",
    enforcementLevel: "advisory",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            if (!isLongRunning(c.props) || isUnknown(c.props.healthcheck)) return;
            if (!hasHealthcheck(c.props.healthcheck)) {
                report(
                    `${describe(c)}: healthcheck is not set (or NONE), so Docker cannot tell a hung process from a working one; fix: set healthcheck.tests (e.g. ["CMD-SHELL", "<a request to the service>"]) with interval, timeout and retries`,
                );
            }
        }),
        forType(TYPES.service, (s, report) => {
            const check = containerSpecOf(s.props).healthcheck;
            if (!isUnknown(check) && !hasHealthcheck(check)) {
                report(
                    `${describe(s)}: taskSpec.containerSpec.healthcheck is not set (or NONE); fix: set healthcheck.tests with interval, timeout and retries`,
                );
            }
        }),
    ],
};
