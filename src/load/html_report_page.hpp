#pragma once
// The HTML, CSS and JavaScript of the bench report page, around two JSON
// documents the renderer puts in: the plot data and the whole report.

#include <string_view>

namespace oneai::load {

/// The page up to the plot data, between the plot data and the report, and after the report.
extern const std::string_view html_page_head;
extern const std::string_view html_page_middle;
extern const std::string_view html_page_tail;

} // namespace oneai::load
