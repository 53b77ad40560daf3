import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// docker-lab's CrossGuard pack: `npm run preview -- --policy-pack policy` (or `up`). Policies without
// an enforcementLevel of their own are mandatory: a violation fails the preview or update.
new PolicyPack("docker-lab", {
    description: "Safe Docker habits for the lab's containers, services, volumes and wiring.",
    enforcementLevel: "mandatory",
    policies,
});
