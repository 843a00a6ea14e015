using FastNode.Server.Persistence.Rdb;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence;

/// <summary>
/// The save Redis 7.0 makes on the way out (prepareForShutdown): with SAVE, or with save rules configured and no
/// NOSAVE, the dataset is saved in the foreground; if that fails the shutdown is refused unless FORCE. A background
/// save in progress is waited for first (Redis kills its child; FastNode's runs in-process). Used by SHUTDOWN and by
/// SIGTERM/SIGINT.
/// </summary>
public static class ShutdownSave
{
    /// <summary>Returns true when the shutdown may go on.</summary>
    public static bool Run(ServerState server, ShutdownFlags flags)
    {
        var log = server.Loggers.CreateLogger("FastNode.Server");
        bool save = (flags & ShutdownFlags.Save) != 0
            || ((flags & ShutdownFlags.NoSave) == 0 && server.Options.SaveRules.Length > 0);
        if (server.Persistence.Loading) save = false;
        RdbFile.WaitForBackground(server);
        if (!save)
        {
            server.Persistence.ShutdownSaveDone = true;
            return true;
        }
        log.LogInformation("Saving the final RDB snapshot before exiting.");
        if (RdbFile.Save(server, out _))
        {
            server.Persistence.ShutdownSaveDone = true;
            return true;
        }
        if ((flags & ShutdownFlags.Force) != 0)
        {
            log.LogWarning("Error trying to save the DB. Exit anyway.");
            server.Persistence.ShutdownSaveDone = true;
            return true;
        }
        log.LogWarning("Error trying to save the DB, can't exit.");
        return false;
    }

    /// <summary>Flags of a shutdown-on-sigterm / shutdown-on-sigint value ("default" = none).</summary>
    public static ShutdownFlags ParseSetting(string value)
    {
        var flags = ShutdownFlags.None;
        foreach (var word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            flags |= word switch
            {
                "save" => ShutdownFlags.Save,
                "nosave" => ShutdownFlags.NoSave,
                "now" => ShutdownFlags.Now,
                "force" => ShutdownFlags.Force,
                _ => ShutdownFlags.None,
            };
        }
        return flags;
    }
}
