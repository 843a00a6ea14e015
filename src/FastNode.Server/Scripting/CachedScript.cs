namespace FastNode.Server.Scripting;

/// <summary>A compiled EVAL script: its Lua function (a registry reference in the engine's state) and its flags.</summary>
public sealed class CachedScript
{
    public CachedScript(ScriptSha sha, int functionRef, ScriptFlags flags)
    {
        Sha = sha;
        FunctionRef = functionRef;
        Flags = flags;
        Name = sha.ToString();
    }

    public ScriptSha Sha { get; }

    /// <summary>luaL_ref in the registry of the engine's Lua state.</summary>
    public int FunctionRef { get; }

    public ScriptFlags Flags { get; }

    /// <summary>The lower-case hex SHA1, as error texts cite it ("script: &lt;sha&gt;, on @user_script:1.").</summary>
    public string Name { get; }
}
