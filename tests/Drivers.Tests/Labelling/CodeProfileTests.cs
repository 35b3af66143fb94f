using ActiveLearning.Drivers.Labelling;

namespace ActiveLearning.Drivers.Tests.Labelling;

public sealed class CodeProfileTests
{
    [Fact]
    public void A_serial_profile_quotes_the_executable()
    {
        CodeProfile.PwX.CommandLine("-in pw.in > pw.out").Should().Be("'pw.x' -in pw.in > pw.out");
    }

    [Fact]
    public void An_MPI_profile_puts_the_launcher_with_its_ranks_after_the_sorted_quoted_exports()
    {
        var profile = new CodeProfile
        {
            Executable = "/opt/qe 7/bin/pw.x",
            MpiLauncher = "mpirun --allow-run-as-root -np {ranks}",
            Ranks = 4,
            Environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1", ["ESPRESSO_TMPDIR"] = "/scratch/it's" },
        };

        profile.FindProblems().Should().BeEmpty();
        profile.CommandLine("-in pw.in > pw.out").Should().Be(
            "export ESPRESSO_TMPDIR='/scratch/it'\\''s' && export OMP_NUM_THREADS='1' && mpirun --allow-run-as-root -np 4 '/opt/qe 7/bin/pw.x' -in pw.in > pw.out");
    }

    [Fact]
    public void Problems_name_bad_variables_ranks_and_a_launcher_without_its_placeholder()
    {
        var profile = new CodeProfile
        {
            Executable = " ",
            MpiLauncher = "mpirun -np 2",
            Ranks = 3,
            Environment = new Dictionary<string, string> { ["A B"] = "x" },
        };

        profile.FindProblems().Should().Equal(
            "the profile names no executable",
            "the MPI launcher 'mpirun -np 2' has no {ranks} placeholder for 3 ranks",
            "'A B' is not an environment variable name");
    }
}
