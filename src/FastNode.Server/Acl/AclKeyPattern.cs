namespace FastNode.Server.Acl;

/// <summary>Read and write permissions a key pattern grants (Redis's %R~ and %W~; ~ grants both).</summary>
[Flags]
public enum KeyAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    All = Read | Write,
}

/// <summary>One key pattern of a selector: a glob and the access it grants.</summary>
public sealed record AclKeyPattern(byte[] Pattern, KeyAccess Access)
{
    /// <summary>As ACL LIST prints it: "~pat", "%R~pat", "%W~pat".</summary>
    public string Describe()
    {
        string text = System.Text.Encoding.UTF8.GetString(Pattern);
        return Access switch
        {
            KeyAccess.Read => "%R~" + text,
            KeyAccess.Write => "%W~" + text,
            _ => "~" + text,
        };
    }
}
