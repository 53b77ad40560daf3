import { doctorCommand } from "../tools/doctor";
import { runMain } from "../tools/runMain";

// `npm run doctor [-- --stack NAME] [--json]` (see tools/doctor/).
runMain(() => doctorCommand(process.argv.slice(2), process.env), { errorPrefix: "doctor failed: " });
