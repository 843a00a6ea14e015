using System.Text;
using FastNode.Server.Sessions;

namespace FastNode.Server.Acl;

/// <summary>
/// The ACL file (`aclfile`): one "user name rules..." line per user, as ACL LIST prints them. Loading is all or nothing
/// and reports every bad line in Redis's words; saving writes a temporary file and renames it over the old one.
/// </summary>
public static class AclFile
{
    private const string NoChange = "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

    /// <summary>Reads and applies the file; returns the error text (without "ERR "), or null.</summary>
    public static string? Load(UserDirectory directory, string path, ClientSession? caller = null)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Error loading ACLs, opening file '{path}': {(e is FileNotFoundException or DirectoryNotFoundException ? "No such file or directory" : e.Message)}";
        }
        var users = new SortedDictionary<string, AclUser>(StringComparer.Ordinal);
        var errors = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0] != "user")
            {
                errors.Append($"{path}:{number} should start with user keyword followed by the username. ");
                continue;
            }
            if (users.ContainsKey(parts[1]))
            {
                errors.Append($"WARNING: Duplicate user '{parts[1]}' found on line {number}. ");
                continue;
            }
            if (ParseUser(directory, parts, out var state) is { } error)
            {
                errors.Append($"{path}:{number}: {error}");
                continue;
            }
            users[parts[1]] = new AclUser(parts[1], state.Seal());
        }
        if (errors.Length > 0) return errors.Append(NoChange).ToString();
        directory.ReplaceAll(users, caller);
        return null;
    }

    private static string? ParseUser(UserDirectory directory, string[] parts, out AclUserState state)
    {
        state = AclUserState.Create(directory.Index, directory.Options.PubSubDefaultAllChannels);
        for (int i = 2; i < parts.Length; i++)
        {
            string op = parts[i];
            if (op.StartsWith('(') && !op.EndsWith(')'))
            {
                var sb = new StringBuilder(op);
                while (++i < parts.Length)
                {
                    sb.Append(' ').Append(parts[i]);
                    if (parts[i].EndsWith(')')) break;
                }
                if (i >= parts.Length) return "Unmatched parenthesis in selector definition.";
                op = sb.ToString();
            }
            if (AclRules.ApplyOne(state, op, directory.Index, directory.Options.PubSubDefaultAllChannels) is { } error)
                return $"Error in applying operation '{op}': {error}. ";
        }
        return null;
    }

    /// <summary>ACL SAVE: returns the error text (without "ERR "), or null.</summary>
    public static string? Save(UserDirectory directory, string path)
    {
        var sb = new StringBuilder();
        foreach (var user in directory.Users()) sb.Append(AclRules.Describe(user)).Append('\n');
        string temp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllText(temp, sb.ToString());
            File.Move(temp, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { }
            return $"There was an error trying to save the ACLs. Please check the server logs for more information";
        }
    }
}
