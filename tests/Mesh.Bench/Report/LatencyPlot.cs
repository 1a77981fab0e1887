using System.Globalization;
using System.Text;

namespace Mesh.Bench.Report;

/// <summary>
/// The latency-versus-load plot for PlaceOrder as a plain SVG: offered rate on x, p50 and p99 on a
/// logarithmic y (saturation sends p99 up by orders of magnitude), with the 25 ms target marked.
/// </summary>
public static class LatencyPlot
{
    private const double Width = 720;
    private const double Height = 420;
    private const double Left = 70;
    private const double Right = 20;
    private const double Top = 40;
    private const double Bottom = 60;

    /// <param name="points">(offered rate, p50 ms, p99 ms, achieved rate) for each open-loop run.</param>
    public static string Render(string title, IReadOnlyList<(double Offered, double P50, double P99, double Achieved)> points, double targetMs)
    {
        ArgumentNullException.ThrowIfNull(points);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">no open-loop PlaceOrder runs</text>\n</svg>\n");
            return svg.ToString();
        }

        var xMax = NiceCeiling(points.Max(p => p.Offered) * 1.05);
        var yMin = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(0.1, points.Min(p => p.P50)))));
        var yMax = Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(targetMs * 2, points.Max(p => p.P99)))));
        double X(double rate) => Left + (rate / xMax * (Width - Left - Right));
        double Y(double ms) => Top + ((Math.Log10(yMax) - Math.Log10(Math.Max(ms, yMin))) / (Math.Log10(yMax) - Math.Log10(yMin)) * (Height - Top - Bottom));

        // Axes, grid and labels.
        for (var decade = yMin; decade <= yMax * 1.001; decade *= 10)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(decade):0.0}\" y2=\"{Y(decade):0.0}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(decade) + 4:0.0}\" text-anchor=\"end\">{decade:0.###}</text>\n");
        }

        for (var i = 0; i <= 5; i++)
        {
            var rate = xMax * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(rate):0.0}\" x2=\"{X(rate):0.0}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(rate):0.0}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{rate:0}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#333\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 18}\" text-anchor=\"middle\">offered PlaceOrder rate (orders/s, open loop)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">latency (ms, log scale)</text>\n");

        // The target.
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(targetMs):0.0}\" y2=\"{Y(targetMs):0.0}\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 4}\" y=\"{Y(targetMs) - 5:0.0}\" text-anchor=\"end\" fill=\"#c00\">p99 target {targetMs:0} ms (at 1,000/s)</text>\n");

        Series(svg, points.Select(p => (X(p.Offered), Y(p.P50))).ToList(), "#1f77b4");
        Series(svg, points.Select(p => (X(p.Offered), Y(p.P99))).ToList(), "#ff7f0e");
        foreach (var point in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(point.Offered):0.0}\" y=\"{Y(point.P99) - 8:0.0}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{point.Achieved:0}/s</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + 10}\" y=\"{Top + 8}\" width=\"12\" height=\"3\" fill=\"#1f77b4\"/><text x=\"{Left + 28}\" y=\"{Top + 13}\">p50</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + 10}\" y=\"{Top + 24}\" width=\"12\" height=\"3\" fill=\"#ff7f0e\"/><text x=\"{Left + 28}\" y=\"{Top + 29}\">p99 (label: achieved rate)</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Series(StringBuilder svg, IReadOnlyList<(double X, double Y)> points, string colour)
    {
        var path = string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.0},{p.Y:0.0}")));
        svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
        foreach (var (x, y) in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.0}\" cy=\"{y:0.0}\" r=\"3.5\" fill=\"{colour}\"/>\n");
        }
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return Math.Ceiling(value / magnitude * 2) / 2 * magnitude;
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
