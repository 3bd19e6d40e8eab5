using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>The adversarial suite: each case asserts its drop reason, and that nothing was verified.</summary>
public sealed class JobEventVerifierTests
{
    private readonly CollectingLogger _logger = new();
    private readonly JobEventVerifier _verifier;
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time;
    private int _lookups;

    public JobEventVerifierTests() => _verifier = SomeEvent.Verifier(out _time, _logger);

    public static TheoryData<string> EnvelopeFields => new("v", "job_id", "session", "type", "seq", "ts", "nonce", "data", "sig");

    [Fact]
    public void Verify_SignedEvent_Verifies()
    {
        var result = Verify(SomeEvent.Signed(seq: 7, type: JobEventType.Completed, data: """{"summary":"done"}"""));

        result.Reason.Should().BeNull();
        result.Event.Should().BeEquivalentTo(new
        {
            JobId = SomeEvent.JobId,
            Session = SomeEvent.Session,
            Type = JobEventType.Completed,
            Sequence = 7L,
            Timestamp = SomeEvent.Now,
            Nonce = "nonce-7",
            IsTerminal = true,
        });
        result.Event!.Data!.Value.GetProperty("summary").GetString().Should().Be("done");
        _verifier.Verified.Should().Be(1);
        _verifier.Drops.Should().BeEmpty();
    }

    [Fact]
    public void Verify_ForgedSignature_DropsBadSignature()
    {
        var payload = SomeEvent.Text(SomeEvent.Signed());
        var sig = payload.Substring(payload.IndexOf("\"sig\":\"", StringComparison.Ordinal) + 7, 64);

        ExpectDrop(SomeEvent.Bytes(payload.Replace(sig, new string('a', 64), StringComparison.Ordinal)), DropReason.BadSignature);
    }

    [Fact]
    public void Verify_SignedWithWrongToken_DropsBadSignature() =>
        ExpectDrop(SomeEvent.Signed(token: "not-the-token"), DropReason.BadSignature);

    [Fact]
    public void Verify_ForgedCompletedForRealJob_DropsBadSignatureAndDoesNotBurnTheNonce()
    {
        ExpectDrop(SomeEvent.Signed(seq: 5, type: JobEventType.Completed, nonce: "shared", token: "guess"), DropReason.BadSignature);

        // The nonce is recorded only after the MAC passed: the job's real event with it still verifies.
        Verify(SomeEvent.Signed(seq: 5, type: JobEventType.Completed, nonce: "shared")).IsVerified.Should().BeTrue();
    }

    [Fact]
    public void Verify_JobIdNotTheTopicSegment_DropsTopicMismatch() =>
        ExpectDrop(SomeEvent.Signed(jobId: "j-other"), DropReason.TopicMismatch);

    [Fact]
    public void Verify_EventOnAnotherJobsTopic_IsCheckedWithThatJobsToken()
    {
        // The topic names the job, and so the key, before the payload is read.
        ExpectDrop(SomeEvent.Signed(), DropReason.UnknownJob, topic: SomeEvent.Topic("j-other"));
        ExpectDrop(SomeEvent.Signed(), DropReason.NoToken, topic: SomeEvent.Topic(SomeEvent.UntokenedJobId));
    }

    [Fact]
    public void Verify_UnknownJob_DropsWithoutReadingThePayload() =>
        ExpectDrop(SomeEvent.Bytes("not json"), DropReason.UnknownJob, topic: SomeEvent.Topic("j-unknown"));

    [Fact]
    public void Verify_ForgedEventThatIsAlsoMalformed_DropsBadSignatureBeforeAnyParse() =>
        ExpectDrop(SomeEvent.Bytes(WithField("data", """{"pct":42.5}""", sign: false)), DropReason.BadSignature);

    [Theory]
    [InlineData("agent-sessions/other/jobs/j-1/events")]
    [InlineData("agent-sessions/lab/jobs/j-1/events/extra")]
    [InlineData("agent-sessions/lab/jobs/j-1/status")]
    [InlineData("agent-sessions/lab/jobs//events")]
    [InlineData("agent-sessions/lab/jobs/x/j-1/events")]
    [InlineData("agent-sessions/labjobs/j-1/events")]
    public void Verify_TopicOfAnotherShape_DropsBadTopic(string topic)
    {
        ExpectDrop(SomeEvent.Signed(), DropReason.BadTopic, topic: topic);
        _lookups.Should().Be(0);
    }

    [Fact]
    public void Verify_UnknownJob_DropsUnknownJob() =>
        ExpectDrop(SomeEvent.Signed(jobId: "j-unknown"), DropReason.UnknownJob, topic: SomeEvent.Topic("j-unknown"));

    [Fact]
    public void Verify_JobWithoutToken_DropsNoToken() =>
        ExpectDrop(SomeEvent.Signed(jobId: SomeEvent.UntokenedJobId, token: "anything"), DropReason.NoToken, topic: SomeEvent.Topic(SomeEvent.UntokenedJobId));

    [Fact]
    public void Verify_OlderThanTheWindow_DropsStale()
    {
        ExpectDrop(SomeEvent.Signed(ts: SomeEvent.Now.AddSeconds(-300).AddMilliseconds(-1)), DropReason.Stale);
        Verify(SomeEvent.Signed(ts: SomeEvent.Now.AddSeconds(-300))).IsVerified.Should().BeTrue();
    }

    [Fact]
    public void Verify_FurtherAheadThanTheSkew_DropsFuture()
    {
        ExpectDrop(SomeEvent.Signed(ts: SomeEvent.Now.AddSeconds(60).AddMilliseconds(1)), DropReason.Future);
        Verify(SomeEvent.Signed(ts: SomeEvent.Now.AddSeconds(60))).IsVerified.Should().BeTrue();
    }

    [Fact]
    public void Verify_AcceptedEventOnceTheClockMoved_DropsStale()
    {
        var payload = SomeEvent.Signed();
        Verify(payload).IsVerified.Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(301));

        ExpectDrop(payload, DropReason.Stale, verifiedBefore: 1);
    }

    [Fact]
    public void Verify_NewEventReusingAnAcceptedNonce_DropsReplayed()
    {
        Verify(SomeEvent.Signed(seq: 1, nonce: "once")).IsVerified.Should().BeTrue();

        ExpectDrop(SomeEvent.Signed(seq: 2, type: JobEventType.Completed, nonce: "once"), DropReason.Replayed, verifiedBefore: 1);
    }

    [Fact]
    public void Verify_ExactRedeliveryOfTheAcceptedEvent_DropsDuplicateWithoutAWarning()
    {
        var payload = SomeEvent.Signed(type: JobEventType.Completed);
        Verify(payload).IsVerified.Should().BeTrue();

        ExpectDrop(payload, DropReason.Duplicate, verifiedBefore: 1);
        _logger.Lines.Should().NotContain(l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Verify_LowerSequence_DropsOutOfOrder()
    {
        Verify(SomeEvent.Signed(seq: 5)).IsVerified.Should().BeTrue();

        ExpectDrop(SomeEvent.Signed(seq: 4), DropReason.OutOfOrder, verifiedBefore: 1);
        ExpectDrop(SomeEvent.Signed(seq: 5, nonce: "fresh"), DropReason.OutOfOrder, verifiedBefore: 1);
        Verify(SomeEvent.Signed(seq: 6)).IsVerified.Should().BeTrue();
    }

    [Fact]
    public void Verify_AfterRestart_TheAppliedEventAgainIsADuplicateByTheRegistrysLastSeq()
    {
        // A fresh verifier (a restarted monitor) remembers no nonce; the registry's last_seq says seq 5 was applied.
        var verifier = SomeEvent.Verifier(out _);
        var job = new JobEntry(SomeEvent.JobId) { AuthToken = SomeEvent.Token, Status = JobStatus.Completed, LastSeq = 5 };

        var again = verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, SomeEvent.Signed(seq: 5, type: JobEventType.Completed), _ => job);
        var older = verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, SomeEvent.Signed(seq: 4, type: JobEventType.Completed), _ => job);
        var newer = verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, SomeEvent.Signed(seq: 6, type: JobEventType.Completed), _ => job);

        again.Reason.Should().Be(DropReason.Duplicate);
        older.Reason.Should().Be(DropReason.OutOfOrder);
        newer.IsVerified.Should().BeTrue();
        verifier.Verified.Should().Be(1);
    }

    [Fact]
    public void Verify_PayloadOverSixtyFourKibibytes_DropsOversized()
    {
        var atLimit = PaddedTo(64 * 1024);
        Verify(atLimit).IsVerified.Should().BeTrue();

        var overLimit = SomeEvent.Text(atLimit).Replace("\"pad\":\"", "\"pad\":\"x", StringComparison.Ordinal);
        ExpectDrop(SomeEvent.Bytes(overLimit), DropReason.Oversized, verifiedBefore: 1);
        ExpectDrop(new byte[10 * 1024 * 1024], DropReason.Oversized, verifiedBefore: 1);
    }

    [Fact]
    public void Verify_InvalidUtf8_DropsInvalidUtf8()
    {
        var payload = SomeEvent.Signed(data: """{"note":"cafe"}""");
        var at = SomeEvent.Text(payload).IndexOf("cafe", StringComparison.Ordinal);
        payload[at + 3] = 0xC3; // a lead byte followed by '"': not UTF-8
        ExpectDrop(payload, DropReason.InvalidUtf8);
        ExpectDrop([0xFF, .. "{}"u8], DropReason.InvalidUtf8);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"event\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Verify_JsonNotAnObject_DropsNotObject(string payload) =>
        ExpectDrop(SomeEvent.Bytes(payload), DropReason.NotObject);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"v\":1,}")]
    [InlineData("{} {}")]
    [InlineData("{\"v\":NaN}")]
    [InlineData("{'v':1}")]
    public void Verify_NotJson_DropsNotJson(string payload) =>
        ExpectDrop(SomeEvent.Bytes(payload), DropReason.NotJson);

    [Theory]
    [MemberData(nameof(EnvelopeFields))]
    public void Verify_MissingField_DropsMissingField(string field) =>
        ExpectDrop(SomeEvent.Bytes(WithField(field, null)), DropReason.MissingField);

    [Theory]
    [InlineData("v", "\"1\"")]
    [InlineData("job_id", "42")]
    [InlineData("session", "null")]
    [InlineData("type", "2")]
    [InlineData("seq", "\"7\"")]
    [InlineData("ts", "true")]
    [InlineData("nonce", "[]")]
    [InlineData("data", "[]")]
    [InlineData("data", "\"done\"")]
    [InlineData("sig", "{}")]
    public void Verify_MistypedField_DropsWrongType(string field, string value) =>
        ExpectDrop(SomeEvent.Bytes(WithField(field, value)), DropReason.WrongType);

    [Theory]
    [InlineData("""{"pct":42.5}""")]
    [InlineData("""{"pct":1.0}""")]
    [InlineData("""{"pct":1e3}""")]
    [InlineData("""{"pct":-2E-1}""")]
    [InlineData("""{"a":[1,2,{"b":[0.5]}]}""")]
    public void Verify_FloatInData_DropsFloatingPoint(string data) =>
        ExpectDrop(SomeEvent.Bytes(WithField("data", data)), DropReason.FloatingPoint);

    [Fact]
    public void Verify_FloatInSeq_DropsFloatingPoint() =>
        ExpectDrop(SomeEvent.Bytes(WithField("seq", "7.0")), DropReason.FloatingPoint);

    [Fact]
    public void Verify_IntegerBeyondSixtyFourBits_DropsIntegerOutOfRange() =>
        ExpectDrop(SomeEvent.Bytes(WithField("data", """{"n":9223372036854775808}""")), DropReason.IntegerOutOfRange);

    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Verify_TenThousandDeepData_DropsTooDeep(char open)
    {
        var deep = open == '['
            ? new string('[', 10_000) + new string(']', 10_000)
            : string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);

        ExpectDrop(SomeEvent.Bytes(WithField("data", $$"""{"deep":{{deep}}}""")), DropReason.TooDeep);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("")]
    [InlineData("j 1")]
    public void Verify_JobIdOutsideTheRule_DropsInvalidJobId(string jobId) =>
        ExpectDrop(SomeEvent.Bytes(WithField("job_id", $"\"{jobId}\"")), DropReason.InvalidJobId);

    [Theory]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("j 1")]
    public void Verify_TopicSegmentOutsideTheJobIdRule_DropsBadTopicBeforeLookingUpTheJob(string jobId)
    {
        ExpectDrop(SomeEvent.Bytes(WithField("job_id", $"\"{jobId}\"")), DropReason.BadTopic, topic: $"{SomeEvent.Prefix}/jobs/{jobId}/events");
        _lookups.Should().Be(0);
    }

    [Fact]
    public void Verify_JobIdLongerThan128_DropsInvalidJobId() =>
        ExpectDrop(SomeEvent.Bytes(WithField("job_id", $"\"{new string('j', 129)}\"")), DropReason.InvalidJobId);

    [Theory]
    [InlineData("type", "\"finished\"")]
    [InlineData("type", "\"Completed\"")]
    [InlineData("seq", "-1")]
    [InlineData("session", "\"\"")]
    [InlineData("nonce", "\"\"")]
    [InlineData("nonce", "\"not base64url!\"")]
    [InlineData("sig", "\"ABCDEF\"")]
    public void Verify_FieldValueOutsideTheRule_DropsInvalidValue(string field, string value) =>
        ExpectDrop(SomeEvent.Bytes(WithField(field, value)), DropReason.InvalidValue);

    [Fact]
    public void Verify_SignatureInUpperCase_DropsInvalidValue()
    {
        var payload = SomeEvent.Text(SomeEvent.Signed());
        var at = payload.IndexOf("\"sig\":\"", StringComparison.Ordinal) + 7;
        ExpectDrop(SomeEvent.Bytes(payload[..at] + payload.Substring(at, 64).ToUpperInvariant() + payload[(at + 64)..]), DropReason.InvalidValue);
    }

    [Fact]
    public void Verify_UnknownVersion_DropsUnknownVersion() =>
        ExpectDrop(SomeEvent.Bytes(WithField("v", "2")), DropReason.UnknownVersion);

    [Theory]
    [InlineData("""{"seq":1,"seq":2}""")]
    [InlineData("""{"a":{"k":1,"k":1}}""")]
    public void Verify_RepeatedKey_DropsDuplicateKey(string data) =>
        ExpectDrop(SomeEvent.Bytes(WithField("data", data)), DropReason.DuplicateKey);

    [Fact]
    public void Verify_RepeatedTopLevelKey_DropsDuplicateKey()
    {
        var payload = SomeEvent.Text(SomeEvent.Signed());
        ExpectDrop(SomeEvent.SignedAsIs(payload.Replace("\"v\":1}", "\"v\":1,\"v\":1}", StringComparison.Ordinal)), DropReason.DuplicateKey);
    }

    [Fact]
    public void Verify_EscapedLoneSurrogate_DropsInvalidString() =>
        ExpectDrop(SomeEvent.Bytes(WithField("data", """{"s":"\ud800"}""")), DropReason.InvalidString);

    [Theory]
    [InlineData("{\"note\":\"caf\\u00e9\"}", "{\"note\":\"café\"}")]
    [InlineData("{\"note\":\"\\u001F\"}", "{\"note\":\"\\u001f\"}")]
    [InlineData("{\"note\":\"a\\/b\"}", "{\"note\":\"a/b\"}")]
    [InlineData("{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}")]
    [InlineData("{ \"a\":1}", "{\"a\":1}")]
    [InlineData("{\"n\":-0}", "{\"n\":0}")]
    public void Verify_SignedEventInAnotherSpelling_DropsBadSignature(string spelled, string canonical)
    {
        // Signed in canonical form but sent in another: the MAC is checked over the bytes sent.
        var payload = SomeEvent.Text(SomeEvent.Signed(data: canonical));
        payload.Should().Contain($"\"data\":{canonical}");

        ExpectDrop(SomeEvent.Bytes(payload.Replace($"\"data\":{canonical}", $"\"data\":{spelled}", StringComparison.Ordinal)), DropReason.BadSignature);
    }

    [Theory]
    [InlineData("{\"note\":\"caf\\u00e9\"}", "{\"note\":\"café\"}")]
    [InlineData("{\"note\":\"\\u001F\"}", "{\"note\":\"\\u001f\"}")]
    [InlineData("{\"note\":\"a\\/b\"}", "{\"note\":\"a/b\"}")]
    [InlineData("{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}")]
    [InlineData("{ \"a\":1}", "{\"a\":1}")]
    [InlineData("{\"n\":-0}", "{\"n\":0}")]
    public void Verify_MacOverItsOwnNonCanonicalBytes_DropsNotCanonical(string spelled, string canonical)
    {
        // The MAC passes over the raw bytes, but only a canonical payload is accepted: the full checks still run.
        var payload = SomeEvent.Text(SomeEvent.Signed(data: canonical)).Replace($"\"data\":{canonical}", $"\"data\":{spelled}", StringComparison.Ordinal);

        ExpectDrop(SomeEvent.SignedAsIs(payload), DropReason.NotCanonical);
        _verifier.NonceCount.Should().Be(0);
    }

    [Fact]
    public void Verify_ManyDrops_CountsEachByReasonAndLogsOncePerReasonAndJob()
    {
        for (var i = 0; i < 3; i++)
        {
            Verify(SomeEvent.Signed(seq: i + 1, token: "forged", data: """{"secret":"hunter2"}"""));
            Verify(SomeEvent.Signed(seq: i + 1, jobId: "j-unknown"), topic: SomeEvent.Topic("j-unknown"));
        }

        Verify(SomeEvent.Signed(jobId: "j-other", token: "x"), topic: SomeEvent.Topic("j-other"));

        _verifier.Drops.Should().BeEquivalentTo(new Dictionary<DropReason, long>
        {
            [DropReason.BadSignature] = 3,
            [DropReason.UnknownJob] = 4,
        });
        _logger.Lines.Select(l => l.Message).Should().BeEquivalentTo(
            "Dropped a job event: bad-signature (job j-1); further drops for this reason and job are counted, not logged",
            "Dropped a job event: unknown-job (job j-unknown); further drops for this reason and job are counted, not logged",
            "Dropped a job event: unknown-job (job j-other); further drops for this reason and job are counted, not logged");
    }

    [Fact]
    public void Verify_Drops_NeverLogATokenSignatureOrPayload()
    {
        var forged = SomeEvent.Signed(token: "forged", data: """{"secret":"hunter2"}""");
        var real = SomeEvent.Signed(seq: 2, type: JobEventType.Completed, data: """{"secret":"hunter2"}""");
        Verify(forged);
        Verify(real).IsVerified.Should().BeTrue();
        Verify(real);
        Verify(SomeEvent.SignedAsIs(SomeEvent.Text(real).Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal)));

        _logger.Lines.Should().HaveCount(3);
        var sigs = new[] { forged, real }.Select(p => SomeEvent.Text(p)).Select(p => p.Substring(p.IndexOf("\"sig\":\"", StringComparison.Ordinal) + 7, 64));
        foreach (var (_, message) in _logger.Lines)
        {
            message.Should().NotContain(SomeEvent.Token).And.NotContain("hunter2").And.NotContain("nonce-");
            foreach (var sig in sigs)
            {
                message.Should().NotContain(sig[..8]);
            }
        }
    }

    [Fact]
    public void Verify_TopicFromAnAttacker_IsNotLogged()
    {
        ExpectDrop(SomeEvent.Bytes("[]"), DropReason.BadTopic, topic: "agent-sessions/lab/jobs/evil\nline/events");

        _logger.Lines.Should().ContainSingle().Which.Message.Should().Contain("(job -)");
    }

    [Fact]
    public void Verify_NonceCacheFull_ForgetsTheOldestButTheSequenceStillGuards()
    {
        var verifier = SomeEvent.Verifier(out _, nonceCacheCapacity: 2);
        var first = SomeEvent.Signed(seq: 1);
        foreach (var payload in new[] { first, SomeEvent.Signed(seq: 2), SomeEvent.Signed(seq: 3) })
        {
            verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, payload, SomeEvent.FindJob).IsVerified.Should().BeTrue();
        }

        verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, first, SomeEvent.FindJob).Reason.Should().Be(DropReason.OutOfOrder);
        verifier.NonceCount.Should().Be(2);
    }

    [Fact]
    public void Verify_AfterTheWindow_ForgetsExpiredNonces()
    {
        Verify(SomeEvent.Signed(seq: 1)).IsVerified.Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(200));
        Verify(SomeEvent.Signed(seq: 2, ts: _time.GetUtcNow())).IsVerified.Should().BeTrue();
        _verifier.NonceCount.Should().Be(2);

        _time.Advance(TimeSpan.FromSeconds(101));
        Verify(SomeEvent.Signed(seq: 3, ts: _time.GetUtcNow())).IsVerified.Should().BeTrue();

        _verifier.NonceCount.Should().Be(2, "the first nonce is older than the window, where its event is stale anyway");
    }

    [Fact]
    public async Task Verify_ConcurrentRedeliveries_VerifyExactlyOnce()
    {
        var payloads = Enumerable.Range(1, 50).Select(i => SomeEvent.Signed(seq: i)).ToArray();
        var verified = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 400), (i, _) =>
        {
            if (_verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, payloads[i % 50], SomeEvent.FindJob).IsVerified)
            {
                Interlocked.Increment(ref verified);
            }

            return ValueTask.CompletedTask;
        });

        verified.Should().BeLessThanOrEqualTo(50);
        (_verifier.Drops.GetValueOrDefault(DropReason.Duplicate) + _verifier.Drops.GetValueOrDefault(DropReason.OutOfOrder) + verified).Should().Be(400);
        _verifier.Verified.Should().Be(verified);
    }

    private VerifyResult Verify(byte[] payload, string? topic = null) =>
        _verifier.Verify(topic ?? SomeEvent.Topic(), SomeEvent.Prefix, payload, id =>
        {
            _lookups++;
            return SomeEvent.FindJob(id);
        });

    private void ExpectDrop(byte[] payload, DropReason reason, string? topic = null, long verifiedBefore = 0)
    {
        var result = Verify(payload, topic);

        result.Reason.Should().Be(reason);
        result.Event.Should().BeNull();
        result.IsVerified.Should().BeFalse();
        _verifier.Verified.Should().Be(verifiedBefore);
    }

    /// <summary>
    /// An event's text with one field replaced (or removed when <paramref name="json"/> is null),
    /// its MAC right over the bytes as they are (<see cref="SomeEvent.SignedAsIs"/>) unless the
    /// field is <c>sig</c> or <paramref name="sign"/> is false, so the checks after the MAC run.
    /// </summary>
    private static string WithField(string field, string? json, bool sign = true)
    {
        var envelope = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["v"] = "1",
            ["job_id"] = $"\"{SomeEvent.JobId}\"",
            ["session"] = $"\"{SomeEvent.Session}\"",
            ["type"] = "\"progress\"",
            ["seq"] = "1",
            ["ts"] = SomeEvent.Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["nonce"] = "\"nonce-1\"",
            ["data"] = "{}",
            ["sig"] = $"\"{new string('0', 64)}\"",
        };
        if (json is null)
        {
            envelope.Remove(field);
        }
        else
        {
            envelope[field] = json;
        }

        var text = "{" + string.Join(",", envelope.Select(p => $"\"{p.Key}\":{p.Value}")) + "}";
        return sign && field != "sig" ? SomeEvent.Text(SomeEvent.SignedAsIs(text)) : text;
    }

    /// <summary>A signed event whose canonical payload is exactly <paramref name="length"/> bytes.</summary>
    private static byte[] PaddedTo(int length)
    {
        var bare = SomeEvent.Signed(data: """{"pad":""}""").Length;
        var padded = SomeEvent.Signed(data: $$"""{"pad":"{{new string('x', length - bare)}}"}""");
        padded.Length.Should().Be(length);
        return padded;
    }
}
