namespace ActiveLearning.TestSupport;

/// <summary>
/// Turns a LAMMPS <c>.snapcoeff</c>/<c>.snapparam</c> pair into an OpenKIM portable model of OpenKIM's SNAP model driver
/// (<c>SNAP__MD_536750310735_000</c>, from Debian's openkim-models), so that Debian's LAMMPS, which lacks
/// <c>pair_style snap</c>, evaluates exactly those files with <c>kim init</c>. The driver reads the two files itself, so a
/// match checks the files as well as the evaluation. Building needs cmake, make and a C++ compiler (./test.sh installs them).
/// </summary>
public static class KimSnapModel
{
    /// <summary>The model driver the portable models use.</summary>
    public const string Driver = "SNAP__MD_536750310735_000";

    /// <summary>
    /// Builds the portable model <paramref name="name"/> from <paramref name="coefficientPath"/> and the <c>.snapparam</c>
    /// beside it into <c>DIRECTORY/models/NAME</c>; returns <c>DIRECTORY/models</c>, the folder to give
    /// <see cref="Lammps.EvaluateWithKimAsync(Atomistics.Structure, int[], string, string?)"/>.
    /// </summary>
    /// <param name="coefficientPath">The <c>.snapcoeff</c> file.</param>
    /// <param name="directory">A scratch folder (its <c>src</c>, <c>build</c> and <c>models</c> are created).</param>
    /// <param name="name">A KIM model name such as <c>AL_Student__MO_000000000000_000</c>.</param>
    /// <exception cref="InvalidOperationException">A build tool is missing or the build failed (the message has its output).</exception>
    public static async Task<string> BuildAsync(string coefficientPath, string directory, string name = "AL_Student__MO_000000000000_000")
    {
        foreach (var tool in (string[])["cmake", "make", "c++"])
        {
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(folder => File.Exists(Path.Combine(folder, tool)));
            if (!onPath)
            {
                throw new InvalidOperationException($"'{tool}' is missing: run ./test.sh, which installs cmake, make and g++ to build OpenKIM portable models.");
            }
        }

        var source = Path.Combine(directory, "src");
        var build = Path.Combine(directory, "build");
        var models = Path.Combine(directory, "models");
        Directory.CreateDirectory(source);
        Directory.CreateDirectory(build);
        File.Copy(coefficientPath, Path.Combine(source, "model.snapcoeff"), overwrite: true);
        File.Copy(Path.ChangeExtension(coefficientPath, ".snapparam"), Path.Combine(source, "model.snapparam"), overwrite: true);
        // The driver takes the coefficient file first, then the parameter file.
        await File.WriteAllTextAsync(Path.Combine(source, "CMakeLists.txt"), $"""
            cmake_minimum_required(VERSION 3.10)
            find_package(KIM-API-ITEMS 2.2 REQUIRED CONFIG)
            kim_api_items_setup_before_project(ITEM_TYPE "portableModel")
            project({name})
            kim_api_items_setup_after_project(ITEM_TYPE "portableModel")
            add_kim_api_model_library(
              NAME ${"{"}PROJECT_NAME{"}"}
              DRIVER_NAME "{Driver}"
              PARAMETER_FILES "model.snapcoeff" "model.snapparam"
              )
            """);

        // No CMAKE_BUILD_TYPE: Debian's KIM-API CMake package only describes its untyped (NOCONFIG) build, and the install
        // prefix only has to be writable, since LAMMPS is pointed at the built library directly.
        await Run(build, "cmake", [source, $"-DKIM_API_PORTABLE_MODEL_INSTALL_PREFIX={Path.Combine(directory, "prefix")}"]);
        await Run(build, "make", []);
        var target = Path.Combine(models, name);
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(build, "libkim-api-portable-model.so"), Path.Combine(target, "libkim-api-portable-model.so"), overwrite: true);
        return models;
    }

    private static async Task Run(string directory, string program, string[] arguments)
    {
        var result = await ExternalProcess.RunAsync(program, arguments, timeout: TimeSpan.FromMinutes(5), workingDirectory: directory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed with exit code {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        }
    }
}
