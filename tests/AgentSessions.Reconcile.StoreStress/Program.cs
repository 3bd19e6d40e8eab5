using System.Globalization;
using AgentSessions.Reconcile;
using AgentSessions.Reconcile.StoreStress;

// Usage:
//   StoreStress loop <workspace-root>             steps the crash-test sequence until killed
//   StoreStress count <workspace-root> <row> <n>  does n locked read-modify-write increments of <row>
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: StoreStress loop|count <workspace-root> [row n]");
    return 2;
}

var store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = args[1], LockTimeout = TimeSpan.FromSeconds(60) });
switch (args[0])
{
    case "loop":
        while (true)
        {
            await store.UpdateAsync(StressSteps.Next);
        }

    case "count":
        var n = int.Parse(args[3], CultureInfo.InvariantCulture);
        for (var i = 0; i < n; i++)
        {
            await store.UpdateAsync(r => StressSteps.Increment(r, args[2]));
        }

        Console.WriteLine("done");
        return 0;
    default:
        Console.Error.WriteLine("unknown mode " + args[0]);
        return 2;
}
