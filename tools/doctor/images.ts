import { type LabConfig, MODES, OFFLINE_IMAGES } from "../../lab";
import type { EngineTarget } from "./engine";
import { finding } from "./findings";
import { shortReason } from "./format";
import type { DoctorFinding, DoctorProbes } from "./types";

/** The script flags that build each air-gapped image. */
const OFFLINE_BUILD: Record<keyof typeof OFFLINE_IMAGES, string> = {
    baseImage: "bash scripts/offline-images.sh",
    registryImage: "bash scripts/offline-images.sh",
    seatImage: "bash scripts/offline-images.sh --with-engines",
};

/** Images: the base and registry images (and the mode's own) are on the engine, or can be pulled; else the air-gapped ones. */
export async function checkImages(probes: DoctorProbes, config: LabConfig, engine: EngineTarget): Promise<DoctorFinding[]> {
    const findings: DoctorFinding[] = [];
    const present = async (image: string) =>
        (await probes.docker(["image", "inspect", "--format", "{{.Id}}", image], engine.env)).status === 0;
    for (const key of ["baseImage", "registryImage", ...(MODES[config.mode].images ?? [])] as const) {
        const image = config[key];
        const id = `images.${key}`;
        if (await present(image)) {
            findings.push(finding("images", id, true, `${key} ${image} is present on the engine`));
            continue;
        }
        const manifest = await probes.docker(["manifest", "inspect", image], engine.env);
        if (manifest.status === 0) {
            findings.push(finding("images", id, true, `${key} ${image} is not on the engine yet; its registry has it, so up will pull it`));
            continue;
        }
        if (/experimental/i.test(manifest.stderr)) {
            findings.push(
                finding(
                    "images",
                    id,
                    true,
                    `${key} ${image} is not on the engine yet; whether it can be pulled is unknown (docker manifest needs a newer CLI), up will try`,
                ),
            );
            continue;
        }
        const reason = shortReason(manifest.stderr) || `docker manifest inspect exited with ${manifest.status}`;
        const offline = OFFLINE_IMAGES[key];
        let fix: string;
        if (image !== offline && (await present(offline))) {
            fix = `npm run config -- set ${key} ${offline} (the air-gapped image is on the engine), or docker pull ${image} where the network allows`;
        } else if (image === offline) {
            fix = `build the air-gapped images: ${OFFLINE_BUILD[key]}`;
        } else {
            fix = `docker pull ${image} where the network allows, or build the air-gapped images (${OFFLINE_BUILD[key]}) and npm run config -- set ${key} ${offline}`;
        }
        findings.push(finding("images", id, false, `${key} ${image} is not on the engine and cannot be pulled (${reason}): fix: ${fix}`));
    }
    return findings;
}
