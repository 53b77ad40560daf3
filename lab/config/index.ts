// lab/config/: the config keys (keys.ts) and their validation (parse.ts); every default lives in Pulumi.yaml.
export {
    CONFIG_KEYS,
    type ConfigKeySchema,
    type ConfigSchema,
    LAB_MODES,
    type LabConfig,
    LabConfigError,
    type LabMode,
    LIMITS,
    OFFLINE_IMAGES,
    PLAIN_TEXT_PASSWORD_PROBLEM,
    PUBLISH_MODES,
    type PublishMode,
    REGISTRY_PASSWORD_KEY,
    SECRET_CONFIG_VALUE,
} from "./keys";
export { defaultConfig, isImageReference, parseConfigSchema, parseLabConfig } from "./parse";
