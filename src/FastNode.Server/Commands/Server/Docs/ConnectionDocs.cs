namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the connection group (AUTH, HELLO, CLIENT ...).</summary>
public static class ConnectionDocs
{
    public static readonly CommandDoc[] All =
    [
        new("AUTH", "1.0.0", "O(N) where N is the number of passwords defined for the user", "Authenticates the connection.", "[username] password"),
        new("ECHO", "1.0.0", "O(1)", "Replies with the given string.", "message"),
        new("HELLO", "6.0.0", "O(1)", "Negotiates the protocol version and returns the server's description.",
            "[protover=i [AUTH username password] [SETNAME clientname]]"),
        new("PING", "1.0.0", "O(1)", "Checks that the connection is alive.", "[message]")
            { Tips = "request_policy:all_shards response_policy:all_succeeded" },
        new("QUIT", "1.0.0", "O(1)", "Closes the connection after replying.", ""),
        new("RESET", "6.2.0", "O(1)", "Resets the connection: no transaction, no subscriptions, database 0, RESP2, no name.", ""),
        new("SELECT", "1.0.0", "O(1)", "Switches the connection to another database.", "index=i"),
        new("CLIENT", "2.4.0", "Depends on subcommand.", "Container for commands about client connections.", ""),
        new("CLIENT CACHING", "6.0.0", "O(1)", "Tells whether the next command's keys should be tracked (tracking is not supported).", "YES|NO"),
        new("CLIENT GETNAME", "2.6.9", "O(1)", "Returns the name of the connection.", ""),
        new("CLIENT GETREDIR", "6.0.0", "O(1)", "Returns where tracking notifications are redirected (always -1).", ""),
        new("CLIENT HELP", "5.0.0", "O(1)", "Lists the CLIENT subcommands.", ""),
        new("CLIENT ID", "5.0.0", "O(1)", "Returns the unique id of the connection.", ""),
        new("CLIENT INFO", "6.2.0", "O(1)", "Describes the connection in CLIENT LIST format.", "") { Tips = "nondeterministic_output" },
        new("CLIENT KILL", "2.4.0", "O(N) where N is the number of client connections", "Closes client connections.",
            "(ip:port|([ID client-id=i]|[TYPE (NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)]|[USER username]|[ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no]){new-format} ...){filter}"),
        new("CLIENT LIST", "2.4.0", "O(N) where N is the number of client connections", "Describes the client connections, one per line.",
            "[TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID client-id=i ...]") { Tips = "nondeterministic_output" },
        new("CLIENT NO-EVICT", "7.0.0", "O(1)", "Exempts the connection from client eviction, or not.", "ON|OFF"),
        new("CLIENT PAUSE", "2.9.50", "O(1)", "Holds back the commands of every normal client, or only those that may write, for a time.",
            "timeout [WRITE|ALL]"),
        new("CLIENT REPLY", "3.2.0", "O(1)", "Turns the server's replies to this connection on or off.", "ON|OFF|SKIP"),
        new("CLIENT SETINFO", "7.2.0", "O(1)", "Records the name or version of the client library.", "LIB-NAME libname|LIB-VER libver"),
        new("CLIENT SETNAME", "2.6.9", "O(1)", "Names the connection.", "connection-name"),
        new("CLIENT TRACKING", "6.0.0", "O(1)", "Turns server-assisted client-side caching on or off (only OFF is supported).",
            "(ON|OFF) [REDIRECT client-id=i] [PREFIX prefix ...+] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]"),
        new("CLIENT TRACKINGINFO", "6.2.0", "O(1)", "Describes the tracking state of the connection.", ""),
        new("CLIENT UNBLOCK", "5.0.0", "O(log N) where N is the number of client connections",
            "Ends another connection's blocking command as if it had timed out.", "client-id=i [TIMEOUT|ERROR]"),
        new("CLIENT UNPAUSE", "6.2.0", "O(N) where N is the number of paused clients", "Ends a pause started with CLIENT PAUSE.", ""),
    ];
}
