using System.Globalization;
using YamlDotNet.Core.Events;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>The typed values of rows and jobs, read from the events; the first problem of each is kept, not thrown, so later syntax errors still win.</summary>
internal sealed partial class RegistryReader
{
    private SessionRow Row(string field, out RegistryException? error, out ParsingEvent? nameAt)
    {
        var start = Cur;
        Next();
        var row = new SessionRow("-");
        RegistryException? first = null, nameError = null;
        nameAt = null;
        while (Cur is not MappingEnd)
        {
            var key = ((Scalar)Cur).Value;
            Next();
            switch (key)
            {
                case "name":
                    nameAt = Cur;
                    row.Name = Required(field, key, "the session name is empty; every session needs a unique name.", ref nameError) ?? row.Name;
                    break;
                case "agent": row.Agent = String(field, key, ref first); break;
                case "project": row.Project = String(field, key, ref first); break;
                case "cwd": row.Cwd = String(field, key, ref first); break;
                case "status": row.Status = Status(field, key, ref first); break;
                case "last_visible_status": row.LastVisibleStatus = Status(field, key, ref first); break;
                case "last_visible_note": row.LastVisibleNote = String(field, key, ref first); break;
                case "created_at": row.CreatedAt = Timestamp(field, key, ref first); break;
                case "updated_at": row.UpdatedAt = Timestamp(field, key, ref first); break;
                case "terminated_at": row.TerminatedAt = Timestamp(field, key, ref first); break;
                case "termination_mode": row.TerminationMode = String(field, key, ref first); break;
                case "resumable": row.Resumable = Bool(field, key, ref first); break;
                case "pane": row.Pane = Pane(field + ".pane", ref first); break;
                case "claude_session_id_own": row.ClaudeSessionIdOwn = String(field, key, ref first); break;
                case "agy_session_id_own": row.AgySessionIdOwn = String(field, key, ref first); break;
                case "agent_identities": Identities(row, field + ".agent_identities", ref first); break;
                case "jobs": Jobs(row, field + ".jobs", ref first); break;
                default: Skip(); break;
            }
        }

        Next();
        error = nameAt is null ? Error(start, field + ".name", "the session has no name; every session needs a unique name.") : nameError ?? first;
        return row;
    }

    private void Jobs(SessionRow row, string field, ref RegistryException? error)
    {
        if (IsNull(Cur))
        {
            Next();
            return;
        }

        if (Cur is not SequenceStart)
        {
            error ??= Error(Cur, field, "must be a sequence of jobs (`- job_id: …` items), not a " + Kind(Cur) + ".");
            Skip();
            return;
        }

        Next();
        while (Cur is not SequenceEnd)
        {
            var jobField = string.Create(CultureInfo.InvariantCulture, $"{field}[{row.Jobs.Count}]");
            if (Cur is not MappingStart)
            {
                error ??= Error(Cur, jobField, "each job must be a mapping with a job_id, not a " + Kind(Cur) + ".");
                Skip();
                row.Jobs.Add(new JobEntry("-"));
                continue;
            }

            row.Jobs.Add(Job(jobField, ref error));
        }

        Next();
    }

    private JobEntry Job(string field, ref RegistryException? error)
    {
        var start = Cur;
        Next();
        var job = new JobEntry("-");
        RegistryException? first = null, idError = null;
        var sawId = false;
        while (Cur is not MappingEnd)
        {
            var key = ((Scalar)Cur).Value;
            Next();
            switch (key)
            {
                case "job_id":
                    sawId = true;
                    job.JobId = Required(field, key, "the job has no job_id.", ref idError) ?? job.JobId;
                    break;
                case "auth_token": job.AuthToken = String(field, key, ref first); break;
                case "status": job.Status = JobStatusValue(field, key, ref first); break;
                case "last_seq": job.LastSeq = Integer(field, key, ref first); break;
                default: Skip(); break;
            }
        }

        Next();
        error ??= sawId ? idError ?? first : Error(start, field + ".job_id", "the job has no job_id.");
        return job;
    }

    private PaneInfo? Pane(string field, ref RegistryException? error)
    {
        if (IsNull(Cur))
        {
            Next();
            return null;
        }

        var pane = new PaneInfo();
        if (!Map(field, null, "a mapping (pid:, cmd:, cwd:, socket:, id:) or null", ref error))
        {
            return pane;
        }

        while (Cur is not MappingEnd)
        {
            var key = ((Scalar)Cur).Value;
            Next();
            switch (key)
            {
                case "pid": pane.Pid = Integer(field, key, ref error); break;
                case "cmd": pane.Cmd = String(field, key, ref error); break;
                case "cwd": pane.Cwd = String(field, key, ref error); break;
                case "socket": pane.Socket = String(field, key, ref error); break;
                case "id": pane.Id = String(field, key, ref error); break;
                default: Skip(); break;
            }
        }

        Next();
        return pane;
    }

    private void Identities(SessionRow row, string field, ref RegistryException? error)
    {
        if (!Map(field, null, "a mapping of agent to ids (claude: { session_id: … })", ref error))
        {
            return;
        }

        while (Cur is not MappingEnd)
        {
            var agent = ((Scalar)Cur).Value;
            Next();
            var ids = new Dictionary<string, string?>(StringComparer.Ordinal);
            row.AgentIdentities[agent] = ids;
            var agentField = field + "." + agent;
            if (Map(agentField, null, "a mapping of id names to ids", ref error))
            {
                while (Cur is not MappingEnd)
                {
                    var key = ((Scalar)Cur).Value;
                    Next();
                    ids[key] = String(agentField, key, ref error);
                }

                Next();
            }
        }

        Next();
    }

    /// <summary>Enters a mapping: <see langword="false"/> for a null (consumed) or anything else (an error, skipped).</summary>
    private bool Map(string field, string? key, string expected, ref RegistryException? error)
    {
        if (Cur is MappingStart)
        {
            Next();
            return true;
        }

        if (!IsNull(Cur))
        {
            error ??= Error(Cur, Field(field, key), $"must be {expected}, not a {Kind(Cur)}.");
        }

        Skip();
        return false;
    }

    /// <summary>Takes a scalar's text (<see langword="null"/> for a null); anything else is an error, skipped.</summary>
    private Scalar? Take(string field, string? key, string problem, ref RegistryException? error)
    {
        if (Cur is Scalar s)
        {
            Next();
            return IsNull(s) ? null : s;
        }

        error ??= Error(Cur, Field(field, key), problem + Kind(Cur) + ".");
        Skip();
        return null;
    }

    private string? String(string field, string? key, ref RegistryException? error) => Take(field, key, "must be text, not a ", ref error)?.Value;

    /// <summary>Reads text that must not be empty (a name, a job id); <see langword="null"/> when it is missing or empty (an error).</summary>
    private string? Required(string field, string key, string empty, ref RegistryException? error)
    {
        var at = Cur;
        var value = String(field, key, ref error);
        if (string.IsNullOrEmpty(value))
        {
            error ??= Error(at, Field(field, key), empty);
            return null;
        }

        return value;
    }

    private long? Integer(string field, string? key, ref RegistryException? error) =>
        Parse<long>(Take(field, key, "must be an integer, not a ", ref error), field, key, static s => IsPlain(s) && YamlScalars.TryParseInteger(s.Value, out var v) ? v : null, "is not an integer (an unquoted decimal number is expected).", ref error);

    private bool? Bool(string field, string? key, ref RegistryException? error) =>
        Parse<bool>(Take(field, key, "must be true or false, not a ", ref error), field, key, static s => IsPlain(s) && YamlScalars.TryParseBool(s.Value, out var v) ? v : null, "is not a boolean; expected true or false (unquoted).", ref error);

    private DateTimeOffset? Timestamp(string field, string? key, ref RegistryException? error) =>
        Parse<DateTimeOffset>(Take(field, key, "must be text, not a ", ref error), field, key, static s => YamlScalars.TryParseTimestamp(s.Value, out var v) ? v : null, "is not an RFC 3339 timestamp (for example 2026-11-20T10:00:00Z).", ref error);

    private SessionStatus? Status(string field, string key, ref RegistryException? error) =>
        Parse<SessionStatus>(Take(field, key, "must be text, not a ", ref error), field, key, static s => Array.IndexOf(RegistryMapper.SessionWords, s.Value) is var i and >= 0 ? (SessionStatus)i : null, $"is not a session status; expected exactly {RegistryMapper.StatusWords} (free text goes in last_visible_note).", ref error);

    private JobStatus? JobStatusValue(string field, string key, ref RegistryException? error) =>
        Parse<JobStatus>(Take(field, key, "must be text, not a ", ref error), field, key, static s => Array.IndexOf(RegistryMapper.JobWords, s.Value) is var i and >= 0 ? (JobStatus)i : null, $"is not a job status; expected {RegistryMapper.JobStatusWords}.", ref error);

    /// <summary>Reads a taken scalar (<see langword="null"/> stays null) with <paramref name="parse"/>; text it refuses is an error.</summary>
    private T? Parse<T>(Scalar? s, string field, string? key, Func<Scalar, T?> parse, string problem, ref RegistryException? error)
        where T : struct
    {
        var value = s is null ? null : parse(s);
        if (s is not null && value is null)
        {
            error ??= Error(s, Field(field, key), $"'{s.Value}' {problem}");
        }

        return value;
    }
}
