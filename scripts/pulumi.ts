import { labCommand, runMain } from "../tools";

// `npm run up | down | preview` (see tools/labCommand.ts).
runMain(() => labCommand(process.argv.slice(2), process.env));
