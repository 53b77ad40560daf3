import { doctorCommand, runMain } from "../tools";

// `npm run doctor [-- --stack NAME] [--json]` (see tools/doctor/).
runMain(() => doctorCommand(process.argv.slice(2), process.env), { errorPrefix: "doctor failed: " });
